import { DomainError } from '@app/ddd';

export type ApiKeyErrorCode = 'invalid_key' | 'scope_denied' | 'account_suspended' | 'api_key_inactive' | 'api_key_already_rotated';

/** The HTTP status of each code of this context; `Record` makes a forgotten code a compile error. */
export const apiKeyErrorStatuses: Record<ApiKeyErrorCode, number> = {
  invalid_key: 401,
  scope_denied: 403,
  account_suspended: 403,
  api_key_inactive: 409,
  api_key_already_rotated: 409,
};

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** A rule of the domain broken by the input (unknown scope, expiry in the past): 400 with details. */
export class ApiKeyRequestInvalidError extends DomainError<'invalid_request'> {
  constructor(readonly details: readonly FieldProblem[]) {
    super('invalid_request', 'The request is not valid', { details });
  }
}

/** Missing, or belonging to another account: the same answer, so ids of others' keys do not leak. */
export class ApiKeyNotFoundError extends DomainError<'not_found'> {
  constructor() {
    super('not_found', 'No such API key');
  }
}

export class ApiKeyInactiveError extends DomainError<'api_key_inactive'> {
  constructor(status: 'revoked' | 'expired') {
    super('api_key_inactive', `This API key is ${status}`, { status });
  }
}

export class ApiKeyAlreadyRotatedError extends DomainError<'api_key_already_rotated'> {
  constructor(replacedBy: string) {
    super('api_key_already_rotated', 'This API key was already rotated', { replacedBy });
  }
}

/** Malformed, mistyped, unknown, revoked or expired: one answer, so a key's existence never leaks. */
export class InvalidApiKeyError extends DomainError<'invalid_key'> {
  constructor() {
    super('invalid_key', 'The API key is not valid');
  }
}

export class ScopeDeniedError extends DomainError<'scope_denied'> {
  constructor(endpoint: string) {
    super('scope_denied', `The API key's scopes do not cover ${endpoint}`);
  }
}

export class KeyAccountSuspendedError extends DomainError<'account_suspended'> {
  constructor(supportEmail: string) {
    super('account_suspended', `The account of this API key is suspended; contact ${supportEmail}`);
  }
}

/** The store could not be read and what is in memory is too old to trust: refuse rather than guess. */
export class VerificationUnavailableError extends DomainError<'service_unavailable'> {
  constructor() {
    super('service_unavailable', 'Key verification is unavailable; try again shortly');
  }
}
