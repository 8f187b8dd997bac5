import { DomainError } from '@app/ddd';

export type RecoveryErrorCode = 'evidence_insufficient' | 'case_closed' | 'attempts_exhausted' | 'no_code_sent';

/** The HTTP status of each recovery error code; `Record` makes a forgotten code a compile error. */
export const recoveryErrorStatuses: Record<RecoveryErrorCode, number> = {
  evidence_insufficient: 409,
  case_closed: 409,
  attempts_exhausted: 409,
  no_code_sent: 409,
};

export class RecoveryCaseNotFoundError extends DomainError<'not_found'> {
  constructor(what = 'recovery case') {
    super('not_found', `No such ${what}`);
  }
}

export class EvidenceInsufficientError extends DomainError<'evidence_insufficient'> {
  constructor(missing: readonly string[]) {
    super('evidence_insufficient', `The evidence does not meet the rule: ${missing.join('; ')}`, { missing });
  }
}

export class CaseClosedError extends DomainError<'case_closed'> {
  constructor(status: string) {
    super('case_closed', `The case is already ${status}`);
  }
}

export class AttemptsExhaustedError extends DomainError<'attempts_exhausted'> {
  constructor(check: string) {
    super('attempts_exhausted', `No attempts left for ${check} in this case`, { check });
  }
}

export class NoCodeSentError extends DomainError<'no_code_sent'> {
  constructor() {
    super('no_code_sent', 'No code has been sent to the account for this case');
  }
}
