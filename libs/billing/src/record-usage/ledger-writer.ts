import { randomUUID } from 'node:crypto';
import { Clock, ConcurrencyConflictError, EventCatalog, fold, Occurred, toDomainEvent } from '@app/ddd';
import { EventStore, NewEvent, WrongExpectedRevisionError } from '@app/event-store';
import { Metrics } from '@app/metrics';
import { UsageEvent, UsageEventType, UsageRecord, usageLedgerStream } from '../domain/usage.events';
import {
  decideUsageLedger,
  evolveUsageLedger,
  freshUsageLedgerState,
  outcomesOf,
  RecordUsage,
  SubmissionOutcome,
  UsageLedgerState,
} from '../domain/usage-ledger.decider';
import { UsageUnavailableError } from '../domain/billing.errors';
import { periodOf } from '../domain/billing-period';
import { billingPeriodStream } from '../domain/invoicing.events';

export interface LedgerWriterOptions {
  /** Ledgers whose fold stays in memory (the least recently written are dropped first). */
  readonly maxCachedLedgers: number;
  /** Records of several requests decided together go into one event of at most this many records. */
  readonly maxRecordsPerAppend: number;
  /** Attempts when another instance appended to the same ledger meanwhile (each one catches up first). */
  readonly maxAttempts: number;
}

export const defaultLedgerWriterOptions: LedgerWriterOptions = { maxCachedLedgers: 20_000, maxRecordsPerAppend: 5_000, maxAttempts: 20 };

interface Submission {
  readonly records: readonly UsageRecord[];
  readonly correlationId: string;
  resolve(outcome: SubmissionOutcome): void;
  reject(error: unknown): void;
}

interface Ledger {
  readonly stream: string;
  readonly accountId: string;
  readonly period: string;
  /** Undefined until read from the store (and again after a failure whose outcome is unknown). */
  state?: UsageLedgerState;
  revision: number;
  pending: Submission[];
  pendingRecords: number;
  busy: boolean;
}

/**
 * Appends usage to the ledgers (`billing_usage-<account>-<period>`), one writer per ledger in this
 * instance (see README, "Streams and batching"):
 *
 * - Submissions for a ledger queue up while its append is in flight and are then decided and appended
 *   together, as one event (group commit): concurrent requests for one account never conflict with each
 *   other inside an instance, and a busy ledger costs one append per round trip, not one per request.
 * - The ledger's fold (its idempotency keys and totals) stays in memory with its revision, so a
 *   decision reads nothing. The append carries that exact revision: if another instance appended
 *   meanwhile, the append fails, this writer reads only the events after its revision, folds them and
 *   decides again. Each retry follows someone else's success, so the ledger always progresses.
 * - An append whose outcome is unknown (the store failed) drops the fold: the next decision reads the
 *   ledger again, so a record that did land is then a duplicate, never counted twice.
 */
export class LedgerWriter {
  private readonly ledgers = new Map<string, Ledger>();
  private readonly closedPeriods = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly catalog: EventCatalog,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly options: LedgerWriterOptions = defaultLedgerWriterOptions,
  ) {}

  submit(accountId: string, period: string, records: readonly UsageRecord[], correlationId: string): Promise<SubmissionOutcome> {
    const ledger = this.ledgerOf(accountId, period);
    return new Promise<SubmissionOutcome>((resolve, reject) => {
      ledger.pending.push({ records, correlationId, resolve, reject });
      ledger.pendingRecords += records.length;
      if (!ledger.busy) void this.drain(ledger);
    });
  }

  private ledgerOf(accountId: string, period: string): Ledger {
    const stream = usageLedgerStream(accountId, period);
    let ledger = this.ledgers.get(stream);
    if (ledger) {
      // Most recently used last: eviction takes the first entries.
      this.ledgers.delete(stream);
      this.ledgers.set(stream, ledger);
      return ledger;
    }
    ledger = { stream, accountId, period, revision: -1, pending: [], pendingRecords: 0, busy: false };
    this.ledgers.set(stream, ledger);
    this.evict();
    return ledger;
  }

  private evict(): void {
    if (this.ledgers.size <= this.options.maxCachedLedgers) return;
    for (const [stream, ledger] of this.ledgers) {
      if (this.ledgers.size <= this.options.maxCachedLedgers) return;
      if (!ledger.busy && ledger.pending.length === 0) this.ledgers.delete(stream);
    }
  }

  private async drain(ledger: Ledger): Promise<void> {
    ledger.busy = true;
    try {
      while (ledger.pending.length > 0) {
        const batch = this.takeBatch(ledger);
        try {
          const outcomes = await this.appendBatch(ledger, batch);
          batch.forEach((submission, index) => submission.resolve(outcomes[index]));
        } catch (error) {
          ledger.state = undefined;
          ledger.revision = -1;
          for (const submission of batch) submission.reject(error);
        }
      }
    } finally {
      ledger.busy = false;
    }
  }

  private takeBatch(ledger: Ledger): Submission[] {
    const batch: Submission[] = [];
    let records = 0;
    while (ledger.pending.length > 0) {
      const next = ledger.pending[0];
      if (batch.length > 0 && records + next.records.length > this.options.maxRecordsPerAppend) break;
      batch.push(ledger.pending.shift()!);
      records += next.records.length;
    }
    ledger.pendingRecords -= records;
    return batch;
  }

  private async appendBatch(ledger: Ledger, batch: readonly Submission[]): Promise<SubmissionOutcome[]> {
    const command: RecordUsage = {
      kind: 'RecordUsage',
      accountId: ledger.accountId,
      period: ledger.period,
      submissions: batch.map((submission) => submission.records),
    };
    let stale = ledger.state === undefined;
    for (let attempt = 1; ; attempt++) {
      const state = stale || ledger.state === undefined ? await this.catchUp(ledger) : ledger.state;
      // A ledger that does not exist yet for a closed period was not there to be closed: the period's fact refuses it.
      if (ledger.revision < 0 && (await this.periodClosed(ledger.period))) {
        return command.submissions.map(() => ({ accepted: 0, duplicates: 0, periodClosed: true }));
      }
      const outcomes = outcomesOf(command, state);
      const events = decideUsageLedger(command, state);
      if (events.length === 0) return outcomes;
      const occurredAt = this.clock.now().toISOString();
      try {
        const result = await this.store.append(
          ledger.stream,
          this.toNewEvents(events, ledger.accountId, batch[0].correlationId, occurredAt),
          ledger.revision < 0 ? 'no_stream' : ledger.revision,
        );
        ledger.state = fold(evolveUsageLedger, state, events.map((event) => ({ ...event, occurredAt })) as Occurred<UsageEvent>[]);
        ledger.revision = result.nextExpectedRevision;
        this.countAccepted(events);
        return outcomes;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw new UsageUnavailableError(error);
        if (attempt >= this.options.maxAttempts) throw new ConcurrencyConflictError(ledger.stream);
        stale = true;
        // Another instance appended: the next round reads what it wrote and decides again.
        if (attempt > 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /** `usage_records_accepted_total` by service: the records of an append that landed (duplicates never reach an event). */
  private countAccepted(events: readonly UsageEvent[]): void {
    for (const event of events) {
      if (event.type !== UsageEventType.Recorded) continue;
      const byService = new Map<string, number>();
      for (const record of event.data.records) byService.set(record.service, (byService.get(record.service) ?? 0) + 1);
      for (const [service, count] of byService) this.metrics.usageRecordsAccepted.inc({ service }, count);
    }
  }

  /** `billing.period_closed` in `billing_period-<period>` (closing is for good, so a closed answer is kept). */
  private async periodClosed(period: string): Promise<boolean> {
    if (this.closedPeriods.has(period)) return true;
    if (period >= periodOf(this.clock.now())) return false;
    const [closed] = await this.store.readStream(billingPeriodStream(period), { maxCount: 1 });
    if (closed) this.closedPeriods.add(period);
    return closed !== undefined;
  }

  /** Reads the events after the revision this instance knows (all of them the first time) and folds them. */
  private async catchUp(ledger: Ledger): Promise<UsageLedgerState> {
    const known = ledger.state;
    const from = known === undefined ? 0 : ledger.revision + 1;
    const recorded = await this.store.readStream(ledger.stream, { fromRevision: from });
    const state = fold(evolveUsageLedger, known ?? freshUsageLedgerState(), recorded.map(toDomainEvent) as Occurred<UsageEvent>[]);
    ledger.state = state;
    if (recorded.length > 0) ledger.revision = recorded[recorded.length - 1].revision;
    else if (known === undefined) ledger.revision = -1;
    return state;
  }

  private toNewEvents(events: readonly UsageEvent[], accountId: string, correlationId: string, occurredAt: string): NewEvent[] {
    return events.map((event) => ({
      id: randomUUID(),
      type: event.type,
      schemaVersion: this.catalog.schemaVersion(event.type),
      data: event.data as unknown as Record<string, unknown>,
      metadata: { accountId, actor: { kind: 'service', id: 'platform' }, correlationId, occurredAt },
    }));
  }
}
