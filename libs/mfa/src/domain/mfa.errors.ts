import { DomainError } from '@app/ddd';

export type MfaErrorCode = 'invalid_mfa' | 'reauthentication_required' | 'mfa_not_enabled';

/** The HTTP status of each code of this context; `Record` makes a forgotten code a compile error. */
export const mfaErrorStatuses: Record<MfaErrorCode, number> = {
  invalid_mfa: 401,
  reauthentication_required: 401,
  mfa_not_enabled: 409,
};

/**
 * A code, recovery code or security-key response that does not prove the factor: wrong, replayed,
 * expired challenge, wrong origin or RP ID, bad signature, counter gone backwards. One answer for all.
 */
export class InvalidMfaError extends DomainError<'invalid_mfa'> {
  constructor() {
    super('invalid_mfa', 'The second factor could not be verified');
  }
}

/** Unknown, another account's, pending when a confirmed one is meant, or expired: one answer. */
export class FactorNotFoundError extends DomainError<'not_found'> {
  constructor(what = 'factor') {
    super('not_found', `No such ${what}`);
  }
}

export class MfaNotEnabledError extends DomainError<'mfa_not_enabled'> {
  constructor() {
    super('mfa_not_enabled', 'Recovery codes exist only while at least one second factor is set up');
  }
}

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class MfaRequestInvalidError extends DomainError<'invalid_request'> {
  constructor(readonly details: readonly FieldProblem[]) {
    super('invalid_request', 'The request is not valid', { details });
  }
}
