import { KeyVerificationPolicy, VerifiedKey } from '@app/api-keys';
import { DomainError, fold, Occurred, toDomainEvent } from '@app/ddd';
import { EventStore, RecordedEvent } from '@app/event-store';
import { LogFollower } from '@app/projections';
import { billingAccountDecider } from '../domain/billing-account.decider';
import { BillingAccountEvent, BillingAccountEventType, billingAccountStream } from '../domain/billing-account.events';
import { periodBounds, periodOf, secondsToPeriodEnd } from '../domain/billing-period';
import { SpendingCapReachedError } from '../domain/billing.errors';
import { monthToDateOf } from '../domain/usage-ledger.decider';
import { ServiceTotals, UsageEventType } from '../domain/usage.events';

export interface SpendingCapTrackerOptions {
  /** An entry is served without reloading for this long after it was loaded (the log keeps it current)... */
  readonly freshMs: number;
  /** ...then reloaded in the background while served, and past this age never served without a reload. */
  readonly maxAgeMs: number;
  readonly maxEntries: number;
  readonly resubscribeDelayMs: number;
}

export const defaultSpendingCapTrackerOptions: SpendingCapTrackerOptions = {
  freshMs: 30_000,
  maxAgeMs: 55_000,
  maxEntries: 200_000,
  resubscribeDelayMs: 1_000,
};

interface Entry {
  cap: number | null;
  /** Revision of `billing_account-<id>` the cap is from (-1: the stream is empty). */
  capRevision: number;
  /** The latest period whose ledger this entry follows, its revision, and its month-to-date. */
  period: string;
  usageRevision: number;
  monthToDate: number;
  loadedAt: number;
  loading?: Promise<void>;
  loaded: boolean;
}

const LEDGER_STREAM = /^billing_usage-(.+)-(\d{4}-\d{2})$/;

/**
 * The hard cap, as a key verification policy (`KeyVerificationPolicies`, see libs/api-keys/README.md):
 * per account in memory, the cap (from `billing_account-<id>`) and the month-to-date of the latest
 * period (from the totals each `billing.usage_recorded` carries), so a verification reads nothing.
 *
 * - Loaded on the first verification of an account's key: its billing stream and one event (the last)
 *   of its current ledger.
 * - Kept current from the log: every instance follows the global log from its head at start-up, for
 *   `billing.*`, and updates what it holds in place (usage totals, cap set or removed, a plan change
 *   that switched the cap off). A value only ever moves to a higher revision of its stream, so a load
 *   that raced an event cannot bring an older total back.
 * - Backstop: an entry older than 30 s is reloaded in the background, one older than 55 s is reloaded
 *   before it answers; if the subscription fails, everything is dropped and it resubscribes.
 */
export class SpendingCapTracker implements KeyVerificationPolicy {
  readonly name = 'billing.spending-cap';
  private readonly entries = new Map<string, Entry>();
  private readonly follower: LogFollower;
  private currentPeriod = { name: '', endMs: 0 };

  constructor(
    private readonly store: EventStore,
    private readonly options: SpendingCapTrackerOptions = defaultSpendingCapTrackerOptions,
    private readonly onError?: (message: string, error: Error) => void,
  ) {
    this.follower = new LogFollower(store, {
      name: 'spending cap',
      typePrefixes: ['billing.'],
      // Usage events are most of the log and their records most of their size: the cap reads their totals.
      omitDataFields: ['records'],
      onEvent: (event) => this.apply(event),
      onGap: () => this.entries.clear(),
      onError,
      resubscribeDelayMs: options.resubscribeDelayMs,
    });
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  refusal(key: VerifiedKey, now: Date): DomainError | undefined | Promise<DomainError | undefined> {
    const entry = this.entries.get(key.accountId);
    const age = entry ? performance.now() - entry.loadedAt : Infinity;
    if (entry && entry.loaded && age <= this.options.maxAgeMs) {
      if (age > this.options.freshMs) void this.load(key.accountId, entry, now).catch(() => undefined);
      return this.decide(entry, now);
    }
    return this.load(key.accountId, entry, now).then(() => this.decide(this.entries.get(key.accountId)!, now));
  }

  private decide(entry: Entry, now: Date): DomainError | undefined {
    if (entry.cap === null) return undefined;
    const period = this.periodAt(now);
    // A new period starts at zero; its first usage event moves the entry to it.
    const monthToDate = entry.period === period ? entry.monthToDate : 0;
    return monthToDate >= entry.cap ? new SpendingCapReachedError(secondsToPeriodEnd(now)) : undefined;
  }

  private periodAt(now: Date): string {
    const ms = now.getTime();
    if (ms >= this.currentPeriod.endMs || ms < this.currentPeriod.endMs - 32 * 86_400_000) {
      const name = periodOf(now);
      this.currentPeriod = { name, endMs: periodBounds(name).end.getTime() };
    }
    return this.currentPeriod.name;
  }

  private load(accountId: string, existing: Entry | undefined, now: Date): Promise<void> {
    if (existing?.loading) return existing.loading;
    const period = periodOf(now);
    const entry: Entry = existing ?? { cap: null, capRevision: -2, period, usageRevision: -2, monthToDate: 0, loadedAt: 0, loaded: false };
    if (!existing) this.remember(accountId, entry);
    const loading = this.read(accountId, period)
      .then((loaded) => {
        if (loaded.capRevision > entry.capRevision) {
          entry.cap = loaded.cap;
          entry.capRevision = loaded.capRevision;
        }
        if (loaded.period > entry.period || (loaded.period === entry.period && loaded.usageRevision > entry.usageRevision)) {
          entry.period = loaded.period;
          entry.usageRevision = loaded.usageRevision;
          entry.monthToDate = loaded.monthToDate;
        }
        entry.loaded = true;
        entry.loadedAt = performance.now();
      })
      .catch((error: unknown) => {
        this.onError?.('spending cap could not read the event store', error instanceof Error ? error : new Error(String(error)));
        throw error;
      })
      .finally(() => {
        entry.loading = undefined;
      });
    entry.loading = loading;
    return loading;
  }

  private async read(accountId: string, period: string) {
    const [account, [last]] = await Promise.all([
      this.store.readStream(billingAccountStream(accountId)),
      this.store.readStream(`billing_usage-${accountId}-${period}`, { direction: 'backwards', maxCount: 1 }),
    ]);
    const state = fold(
      billingAccountDecider.evolve,
      billingAccountDecider.initialState,
      account.map(toDomainEvent) as Occurred<BillingAccountEvent>[],
    );
    return {
      cap: state.spendingCapMicros,
      capRevision: account.length === 0 ? -1 : account[account.length - 1].revision,
      period,
      usageRevision: last ? last.revision : -1,
      monthToDate: last ? monthToDateOf((last.data.totals as ServiceTotals | undefined) ?? {}) : 0,
    };
  }

  private remember(accountId: string, entry: Entry): void {
    this.entries.set(accountId, entry);
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  private apply(event: RecordedEvent): void {
    const accountId = event.metadata.accountId;
    const entry = accountId === undefined ? undefined : this.entries.get(accountId);
    if (!entry) return;
    if (event.type === UsageEventType.Recorded || event.type === UsageEventType.LedgerClosed) {
      const period = LEDGER_STREAM.exec(event.stream)?.[2];
      if (period === undefined) return;
      if (period > entry.period || (period === entry.period && event.revision > entry.usageRevision)) {
        entry.period = period;
        entry.usageRevision = event.revision;
        entry.monthToDate = monthToDateOf((event.data.totals as ServiceTotals | undefined) ?? {});
      }
      return;
    }
    if (event.stream !== billingAccountStream(accountId!) || event.revision <= entry.capRevision) return;
    const cap = capAfter(event);
    // Only events that set the cap move its revision: a load of the stream then still applies the others' state.
    if (cap === undefined) return;
    entry.cap = cap;
    entry.capRevision = event.revision;
  }
}

/** The cap an event of the billing account leaves, or undefined when the event does not touch it. */
function capAfter(event: RecordedEvent): number | null | undefined {
  switch (event.type) {
    case BillingAccountEventType.SpendingCapSet:
      return event.data.capMicros as number;
    case BillingAccountEventType.SpendingCapRemoved:
      return null;
    case BillingAccountEventType.PlanChanged:
      return (event.data.switchedOff as string[]).includes('spending_cap') ? null : undefined;
    default:
      return undefined;
  }
}
