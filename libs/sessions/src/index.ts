export { sessionsContext } from './sessions.context';
export { SessionsModule } from './sessions.module';
export {
  AccountFacts,
  decideSession,
  evolveSession,
  initialSessionState,
  OpenSession,
  SessionCommand,
  sessionDecider,
  sessionEndedByTime,
  sessionIsLive,
  SessionState,
} from './domain/session.decider';
export {
  SESSION_STREAM_PREFIX,
  SessionEndReason,
  SessionEvent,
  SessionEventType,
  SessionEventTypeName,
  sessionStream,
  SignInMethod,
  oidcSignInMethod,
} from './domain/session.events';
export { HUB_PATH, hubReturnUrl } from './domain/oidc-return-to';
export { AccountLockedError, InvalidCredentialsError, SessionErrorCode, SignInSuspendedError } from './domain/session.errors';
export {
  SIGN_IN_GUARD_STREAM_PREFIX,
  secondsUntilUnlocked,
  signInGuardDecider,
  SignInGuardEventType,
  SignInGuardEventTypeName,
  signInGuardStream,
} from './domain/sign-in-guard.decider';
export { SecondFactorRequirement } from './second-factor/second-factor.port';
export { SessionStarter, SessionTokensDto, StartOptions } from './sessions/session-starter';
export { MfaChallengeDto } from './sign-in/sign-in.dto';
export { countedSignIn, CountedSignInMethod } from './sign-in/counted-sign-in';
export { AccountSessionAuthority } from './sessions/account-session-authority';
