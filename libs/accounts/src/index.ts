export { AccountsModule } from './accounts.module';
export { SocialSignInModule } from './social-sign-in.module';
export {
  accountDecider,
  AccountSession,
  AccountState,
  decideAccount,
  effectiveRoles,
  evolveAccount,
  ExistingAccount,
  hasPassword,
  initialAccountState,
  LinkedIdentity,
  liveSessions,
  NewPassword,
  openPasswordReset,
  passwordResetMail,
  PasswordResetMail,
  PendingPasswordReset,
  RecordSessionEnd,
  sessionEndedByTime,
  signInOutcome,
} from './domain/account.decider';
export {
  accountIdentityDecider,
  AccountIdentityCommand,
  planSocialSignIn,
  ProviderIdentity,
  SocialSignInPlan,
} from './domain/account-identity.decider';
export { AccountEvent, AccountEventType, accountEventVersions, accountStream, SessionEndReason } from './domain/account.events';
export { normaliseEmail } from './domain/email';
export { checkPasswordPolicy, DictionaryMatcher, PasswordPolicy, PasswordViolation } from './domain/password-policy';
export {
  secondsUntilUnlocked,
  signInGuardDecider,
  SignInGuardEventType,
  signInGuardEventVersions,
  signInGuardStream,
} from './domain/sign-in-guard.decider';
export {
  unknownEmailPasswordResetDecider,
  UnknownEmailPasswordResetEventType,
  unknownEmailPasswordResetEventVersions,
  unknownEmailPasswordResetStream,
} from './domain/unknown-email-password-reset.decider';
export { commonWordMatcher, defaultPasswordPolicy } from './password-policy/common-words';
export { AccountStates } from './sessions/account-states';
export { RequestPasswordResetCommand } from './request-password-reset/request-password-reset.command';
