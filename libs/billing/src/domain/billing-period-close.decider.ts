import { assertNever, Decider, Occurred } from '@app/ddd';
import { periodOf } from './billing-period';
import { PeriodOpenError } from './invoicing.errors';
import { InvoicingEventType, PeriodClosed } from './invoicing.events';

/** Whether a period is closed: the fact usage recording reads (a closed period refuses records). */
export interface BillingPeriodState {
  readonly closed: boolean;
}

export const initialBillingPeriodState: BillingPeriodState = { closed: false };

export interface CloseBillingPeriod {
  readonly kind: 'CloseBillingPeriod';
  readonly period: string;
  readonly now: Date;
}

export function evolveBillingPeriod(state: BillingPeriodState, event: Occurred<PeriodClosed>): BillingPeriodState {
  switch (event.type) {
    case InvoicingEventType.PeriodClosed:
      return { closed: true };
    default:
      return assertNever(event.type);
  }
}

/** Only a month that is over closes (409 `period_open` for the current or a future one); twice is a no-op. */
export function decideBillingPeriod(command: CloseBillingPeriod, state: BillingPeriodState): PeriodClosed[] {
  if (command.period >= periodOf(command.now)) throw new PeriodOpenError(command.period);
  if (state.closed) return [];
  return [{ type: InvoicingEventType.PeriodClosed, data: { period: command.period } }];
}

export const billingPeriodDecider: Decider<CloseBillingPeriod, BillingPeriodState, PeriodClosed> = {
  initialState: initialBillingPeriodState,
  evolve: evolveBillingPeriod,
  decide: decideBillingPeriod,
};

/** The month before the one `now` is in: what the scheduled close on `BILLING_CLOSE_DAY` closes. */
export function previousPeriod(now: Date): string {
  return periodOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
}
