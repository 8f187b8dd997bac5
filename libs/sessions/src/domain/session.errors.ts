import { DomainError } from '@app/ddd';

export type SessionErrorCode = 'invalid_credentials' | 'account_locked' | 'account_suspended' | 'invalid_token';

/** One answer for an unknown email, a wrong password and an account without a password. */
export class InvalidCredentialsError extends DomainError<'invalid_credentials'> {
  constructor() {
    super('invalid_credentials', 'Invalid email or password');
  }
}

export class AccountLockedError extends DomainError<'account_locked'> {
  constructor(readonly retryAfterSeconds: number) {
    super('account_locked', 'Too many failed sign-in attempts; try again later', { retryAfter: retryAfterSeconds });
  }
}

/** Said only after a correct password (or provider round trip): a wrong one is an ordinary failure. */
export class SignInSuspendedError extends DomainError<'account_suspended'> {
  constructor(supportEmail?: string) {
    super('account_suspended', `This account is suspended. Contact ${supportEmail ?? 'support'} to restore access.`);
  }
}

/** `not_found` is 404; another account's session answers the same. */
export class SessionNotFoundError extends DomainError<'not_found'> {
  constructor() {
    super('not_found', 'No such session');
  }
}

/** A social sign-in's one-time code that is unknown, already exchanged or older than 60 seconds: one answer. */
export class InvalidSignInCodeError extends DomainError<'invalid_token'> {
  constructor() {
    super('invalid_token', 'This sign-in code is unknown, expired or already used; sign in again.');
  }
}
