import { DomainError } from '@app/ddd';

export type InvoicingErrorCode = 'plan_required' | 'plan_in_use' | 'period_open' | 'payment_method_required' | 'dispute_resolved';

/** The HTTP status of each code of invoicing; `Record` makes a forgotten code a compile error. */
export const invoicingErrorStatuses: Record<InvoicingErrorCode, number> = {
  plan_required: 403,
  plan_in_use: 409,
  period_open: 409,
  payment_method_required: 409,
  dispute_resolved: 409,
};

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export class InvoicingRequestInvalidError extends DomainError<'invalid_request'> {
  constructor(readonly details: readonly FieldProblem[]) {
    super('invalid_request', 'The request is not valid', { details });
  }
}

export class InvoicingNotFoundError extends DomainError<'not_found'> {
  constructor(what: string) {
    super('not_found', `No such ${what}`);
  }
}

export class PlanRequiredError extends DomainError<'plan_required'> {
  constructor(feature: string, plan: string) {
    super('plan_required', `${feature} needs the ${plan} plan`, { requiredPlan: plan });
  }
}

export class PlanInUseError extends DomainError<'plan_in_use'> {
  constructor(inUse: readonly string[]) {
    super('plan_in_use', `The account uses ${inUse.join(' and ')}, which need the enterprise plan; turn them off first`, { inUse });
  }
}

export class PeriodOpenError extends DomainError<'period_open'> {
  constructor(period: string) {
    super('period_open', `The period ${period} is not over yet`);
  }
}

export class PaymentMethodRequiredError extends DomainError<'payment_method_required'> {
  constructor() {
    super('payment_method_required', 'The last payment method of an account with an open invoice cannot be removed; add another first');
  }
}

export class DisputeResolvedError extends DomainError<'dispute_resolved'> {
  constructor() {
    super('dispute_resolved', 'This dispute is already resolved');
  }
}
