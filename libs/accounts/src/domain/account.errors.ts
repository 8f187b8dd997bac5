import { DomainError } from '@app/ddd';

export type AccountErrorCode = 'email_taken' | 'account_exists';

/** The HTTP status of each account error code; `Record` makes a forgotten code a compile error. */
export const accountErrorStatuses: Record<AccountErrorCode, number> = {
  email_taken: 409,
  account_exists: 409,
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
