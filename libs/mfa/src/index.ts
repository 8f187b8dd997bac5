export {
  DEFAULT_TOTP_NICKNAME,
  Factor,
  initialMfaState,
  isRefusal,
  MAX_FACTORS,
  MfaCommand,
  mfaDecider,
  mfaEnabled,
  MfaState,
  PENDING_TOTP_SECONDS,
  recoveryCodesRemaining,
  secondStepMethods,
  signInOpen,
  TotpFactor,
  WebauthnFactor,
} from './domain/mfa.decider';
export {
  FactorType,
  MFA_EVENT_PREFIX,
  MfaEvent,
  mfaEventDeclarations,
  MfaEventType,
  MfaEventTypeName,
  mfaStream,
} from './domain/mfa.events';
export { InvalidMfaError, MfaErrorCode, mfaErrorStatuses } from './domain/mfa.errors';
export {
  formatRecoveryCode,
  isWellFormedRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODES_PER_SET,
  totpStepAt,
} from './domain/recovery-code-format';
export { mfaContext } from './mfa.context';
export { MfaModule } from './mfa.module';
export { MfaStates } from './mfa-states';
export { ResetMfaCommand } from './reset-mfa/reset-mfa.command';
