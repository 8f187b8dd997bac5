import { DomainError } from '@app/ddd';

export type BillingErrorCode = 'period_closed' | 'account_closed' | 'plan_required' | 'spending_cap_reached' | 'plan_change_forbidden';

/** The HTTP status of each code of this context; `Record` makes a forgotten code a compile error. */
export const billingErrorStatuses: Record<BillingErrorCode, number> = {
  period_closed: 409,
  account_closed: 409,
  plan_required: 403,
  spending_cap_reached: 429,
  plan_change_forbidden: 403,
};

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class BillingRequestInvalidError extends DomainError<'invalid_request'> {
  constructor(readonly details: readonly FieldProblem[]) {
    super('invalid_request', 'The request is not valid', { details });
  }
}

export class PeriodClosedError extends DomainError<'period_closed'> {
  constructor(period: string) {
    super('period_closed', `The billing period ${period} is closed`);
  }
}

/** The account was closed by its holder (or erased): no usage is recorded for it. */
export class AccountClosedError extends DomainError<'account_closed'> {
  constructor() {
    super('account_closed', 'The account is closed');
  }
}

export class PlanRequiredError extends DomainError<'plan_required'> {
  constructor(feature: string, plans: readonly string[]) {
    super('plan_required', `${feature} need the ${plans.join(' or ')} plan`, { plans });
  }
}

/** An enterprise account's plan is changed by billing staff ("contact your account representative"). */
export class PlanChangeForbiddenError extends DomainError<'plan_change_forbidden'> {
  constructor() {
    super('plan_change_forbidden', 'The enterprise plan is changed by billing staff; contact your account representative');
  }
}

export class SpendingCapReachedError extends DomainError<'spending_cap_reached'> {
  constructor(readonly retryAfterSeconds: number) {
    super('spending_cap_reached', 'The account reached its spending cap for this billing period', { retryAfter: retryAfterSeconds });
  }
}

export class BillingNotFoundError extends DomainError<'not_found'> {
  constructor(what: string) {
    super('not_found', `No such ${what}`);
  }
}

/** The store failed while usage was being recorded; whatever landed is a duplicate on the retry. */
export class UsageUnavailableError extends DomainError<'service_unavailable'> {
  constructor(readonly failure: unknown) {
    super('service_unavailable', 'Usage could not be recorded right now; retry the same request');
  }
}
