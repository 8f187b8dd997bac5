import { DomainEvent } from '@app/ddd';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const UsageEventType = {
  Recorded: 'billing.usage_recorded',
  LedgerClosed: 'billing.usage_ledger_closed',
} as const;

export type UsageEventTypeName = (typeof UsageEventType)[keyof typeof UsageEventType];

export const usageEventVersions: Readonly<Record<UsageEventTypeName, number>> = {
  [UsageEventType.Recorded]: 1,
  [UsageEventType.LedgerClosed]: 1,
};

/** One unit of usage as the platform backend reported it. `occurredAt` is an ISO 8601 UTC instant. */
export interface UsageRecord {
  readonly idempotencyKey: string;
  readonly service: string;
  readonly amountMicros: number;
  readonly occurredAt: string;
}

/** Month-to-date of one ledger (one account, one period) by service, in micro-units. */
export type ServiceTotals = Readonly<Record<string, number>>;

/**
 * Usage newly recorded in a ledger: only records whose idempotency key the ledger did not hold yet.
 * `totals` is the ledger's month-to-date by service once these records are in, so a reader of the
 * last event (the spending cap, the overview) or of one event (spending alerts: before = totals minus
 * this event's records) needs nothing else.
 */
export type UsageRecorded = DomainEvent<
  typeof UsageEventType.Recorded,
  { readonly accountId: string; readonly period: string; readonly records: readonly UsageRecord[]; readonly totals: ServiceTotals }
>;

/** The period of this ledger is closed (for invoicing): later records for it are refused with `period_closed`. */
export type UsageLedgerClosed = DomainEvent<
  typeof UsageEventType.LedgerClosed,
  { readonly accountId: string; readonly period: string; readonly totals: ServiceTotals; readonly records: number }
>;

export type UsageEvent = UsageRecorded | UsageLedgerClosed;

/** One ledger per account and period (see README, "Streams"). */
export const usageLedgerStream = (accountId: string, period: string): string => `billing_usage-${accountId}-${period}`;
