export { recoveryContext } from './recovery.context';
export { RecoveryModule } from './recovery.module';
export {
  ATTEMPTS_PER_CHECK,
  attemptsLeft,
  defaultEvidenceRule,
  EMAIL_CODE_TTL_SECONDS,
  EvidenceRule,
  evolveRecoveryCase,
  initialRecoveryCaseState,
  isOverdue,
  missingEvidence,
  RecoveryCase,
  recoveryCaseDecider,
  RecoveryCaseState,
  RecoveryCommand,
} from './domain/recovery-case.decider';
export {
  CheckName,
  RECOVERY_EVENT_PREFIX,
  RecoveryEvent,
  recoveryEventDeclarations,
  RecoveryEventType,
  recoveryEventVersions,
  recoveryCaseStream,
} from './domain/recovery-case.events';
export { recoveryErrorStatuses } from './domain/recovery.errors';
export {
  RecoveryAccount,
  RecoveryActions,
  RecoveryEvidenceSources,
  RECOVERY_ACTIONS,
  RECOVERY_EVIDENCE,
} from './evidence/recovery-evidence';
