import { Injectable } from '@nestjs/common';
import { hasAchMethod } from '../domain/payment-method.decider';
import { InvoicingStates } from './invoicing-states';

export type EnterpriseFeature = 'invoice_billing' | 'ach';

/**
 * What an account uses that needs the enterprise plan, from the log: the plan decider refuses moving
 * the account off enterprise (409 `plan_in_use`) while this is not empty.
 */
@Injectable()
export class EnterpriseFeatures {
  constructor(private readonly states: InvoicingStates) {}

  async inUse(accountId: string): Promise<EnterpriseFeature[]> {
    const [billing, methods] = await Promise.all([this.states.invoiceBilling(accountId), this.states.paymentMethods(accountId)]);
    return [...(billing.enabled ? (['invoice_billing'] as const) : []), ...(hasAchMethod(methods) ? (['ach'] as const) : [])];
  }
}
