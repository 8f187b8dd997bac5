import { DomainError } from '@app/ddd';
import { PasswordViolation } from './password-policy';

export type AccountErrorCode =
  | 'email_taken'
  | 'account_exists'
  | 'weak_password'
  | 'account_suspended'
  | 'invalid_token'
  | 'invalid_current_password'
  | 'reauthentication_required';

/** The HTTP status of each account error code; `Record` makes a forgotten code a compile error. */
export const accountErrorStatuses: Record<AccountErrorCode, number> = {
  email_taken: 409,
  account_exists: 409,
  weak_password: 400,
  account_suspended: 403,
  invalid_token: 400,
  invalid_current_password: 400,
  reauthentication_required: 401,
};

export class EmailTakenError extends DomainError<'email_taken'> {
  constructor() {
    super('email_taken', 'An account with this email already exists');
  }
}

export class AccountExistsError extends DomainError<'account_exists'> {
  constructor() {
    super('account_exists', 'This account already exists');
  }
}

export class WeakPasswordError extends DomainError<'weak_password'> {
  constructor(readonly violations: readonly PasswordViolation[]) {
    super('weak_password', 'The password does not meet the password rules', { violations });
  }
}

export class AccountSuspendedError extends DomainError<'account_suspended'> {
  constructor(supportEmail?: string) {
    super('account_suspended', `This account is suspended. Contact ${supportEmail ?? 'support'} to restore access.`);
  }
}

export class InvalidTokenError extends DomainError<'invalid_token'> {
  constructor() {
    super('invalid_token', 'The link is not valid');
  }
}

export class InvalidCurrentPasswordError extends DomainError<'invalid_current_password'> {
  constructor() {
    super('invalid_current_password', 'The current password is not correct');
  }
}

/** `not_found` is mapped to 404 by the HTTP edge; another account's resource answers the same. */
export class AccountResourceNotFoundError extends DomainError<'not_found'> {
  constructor(what: 'account') {
    super('not_found', `No such ${what}`);
  }
}

/** `forbidden` is 403: the staff member may not change this account's standing. */
export class StandingChangeForbiddenError extends DomainError<'forbidden'> {
  constructor(message: string) {
    super('forbidden', message);
  }
}
