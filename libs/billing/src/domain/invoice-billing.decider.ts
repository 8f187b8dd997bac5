import { assertNever, Decider, Occurred } from '@app/ddd';
import { PlanRequiredError } from './invoicing.errors';
import { InvoiceBillingChanged, InvoicingEventType, PaymentTerms } from './invoicing.events';

/** Invoice billing on net-30 terms: set by billing staff, for enterprise accounts only. */
export interface InvoiceBillingState {
  readonly enabled: boolean;
}

export const initialInvoiceBillingState: InvoiceBillingState = { enabled: false };

export interface SetInvoiceBilling {
  readonly kind: 'SetInvoiceBilling';
  readonly enabled: boolean;
  /** The account's plan, read from the log by the handler. */
  readonly plan: string;
}

export function evolveInvoiceBilling(_state: InvoiceBillingState, event: Occurred<InvoiceBillingChanged>): InvoiceBillingState {
  switch (event.type) {
    case InvoicingEventType.InvoiceBillingChanged:
      return { enabled: event.data.enabled };
    default:
      return assertNever(event.type);
  }
}

/** Turning it off is always allowed (it is how an account leaves enterprise); on needs enterprise. */
export function decideInvoiceBilling(command: SetInvoiceBilling, state: InvoiceBillingState): InvoiceBillingChanged[] {
  if (command.enabled && command.plan !== 'enterprise') throw new PlanRequiredError('Invoice billing on net-30 terms', 'enterprise');
  if (command.enabled === state.enabled) return [];
  return [{ type: InvoicingEventType.InvoiceBillingChanged, data: { enabled: command.enabled } }];
}

export const invoiceBillingDecider: Decider<SetInvoiceBilling, InvoiceBillingState, InvoiceBillingChanged> = {
  initialState: initialInvoiceBillingState,
  evolve: evolveInvoiceBilling,
  decide: decideInvoiceBilling,
};

export const paymentTermsOf = (state: InvoiceBillingState): PaymentTerms => (state.enabled ? 'net_30' : 'upfront');
