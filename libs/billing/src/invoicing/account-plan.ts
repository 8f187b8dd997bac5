import { RecordedEvent } from '@app/event-store';

/** The account's billing stream, where its plan is recorded (`billing.plan_changed`). */
export const planStream = (accountId: string): string => `billing_account-${accountId}`;

/** A new account is on basic; afterwards, the plan of its last plan change. */
export function planOfEvents(events: readonly RecordedEvent[]): string {
  let plan = 'basic';
  for (const event of events) if (event.type === 'billing.plan_changed' && typeof event.data.plan === 'string') plan = event.data.plan;
  return plan;
}
