export { identityContext } from './identity.context';
export { IdentityModule } from './identity.module';
export { AccountStates } from './account-states';
export {
  accountDecider,
  AccountState,
  decideAccount,
  effectiveRoles,
  evolveAccount,
  ExistingAccount,
  hasPassword,
  readsAsErased,
  AccountClosure,
  initialAccountState,
  LinkedIdentity,
  NewPassword,
  openPasswordReset,
  passwordResetMail,
  PasswordResetMail,
  PendingPasswordReset,
} from './domain/account.decider';
export {
  accountIdentityDecider,
  AccountIdentityCommand,
  planSocialSignIn,
  ProviderIdentity,
  SocialSignInPlan,
} from './domain/account-identity.decider';
export {
  ACCOUNT_STREAM_PREFIX,
  AccountEvent,
  AccountEventType,
  AccountEventTypeName,
  accountStream,
  RETIRED_ACCOUNT_EVENT_TYPES,
} from './domain/account.events';
export { AccountErrorCode } from './domain/account.errors';
export { normaliseEmail } from './domain/email';
export { checkPasswordPolicy, DictionaryMatcher, PasswordPolicy, PasswordViolation } from './domain/password-policy';
export {
  unknownEmailPasswordResetDecider,
  UnknownEmailPasswordResetEventType,
  unknownEmailPasswordResetStream,
} from './domain/unknown-email-password-reset.decider';
export { commonWordMatcher, defaultPasswordPolicy } from './password-policy/common-words';
export { OidcFlowCookies } from './oidc/oidc-flow-cookie';
export { OidcProviders } from './oidc/oidc-providers';
export { OidcRoundTrips, queryStringOf } from './oidc/oidc-round-trips';
export { ProviderIdentities } from './oidc/provider-identities';
export { Plan, PlanReader, STARTING_PLAN } from './ports/plan-reader.port';
export { SecondFactorStatus } from './ports/second-factor-status.port';
export { SignInLockReset } from './ports/sign-in-lock-reset.port';
export { RequestPasswordResetCommand } from './request-password-reset/request-password-reset.command';
export { ReopenAccountCommand } from './close-account/close-account.command';
export { SetStaffRolesCommand } from './set-staff-roles/set-staff-roles.command';
