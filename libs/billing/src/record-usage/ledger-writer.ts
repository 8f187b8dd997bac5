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
  receivingPeriods,
  RecordUsage,
  SubmissionOutcome,
  UsageLedgerState,
} from '../domain/usage-ledger.decider';
import { UsageUnavailableError } from '../domain/billing.errors';
import { periodOf } from '../domain/billing-period';
import { FUTURE_TOLERANCE_MS, MAX_RECORD_AGE_MS } from '../domain/usage-rules';
import { billingPeriodStream } from '../domain/invoicing.events';

export interface LedgerWriterOptions {
  /** Ledgers whose fold stays in memory (the least recently written are dropped first). */
  readonly maxCachedLedgers: number;
  /** Records of several requests for one account decided together: at most this many per drain. */
  readonly maxRecordsPerAppend: number;
  /** Attempts when another instance appended to the same ledger meanwhile (each one catches up first). */
  readonly maxAttempts: number;
}

export const defaultLedgerWriterOptions: LedgerWriterOptions = { maxCachedLedgers: 20_000, maxRecordsPerAppend: 5_000, maxAttempts: 20 };

interface Submission {
  readonly period: string;
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
}

/** The submissions of one account waiting for its writer; one drain per account at a time. */
interface AccountQueue {
  readonly accountId: string;
  pending: Submission[];
  busy: boolean;
}

/**
 * Appends usage to the ledgers (`billing_usage-<account>-<period>`), one writer per account in this
 * instance (see README, "Streams and batching"):
 *
 * - Submissions for an account queue up while its append is in flight and are then decided and
 *   appended together, one event per ledger (group commit): concurrent requests for one account never
 *   conflict with each other inside an instance, and a busy account costs one append per round trip,
 *   not one per request.
 * - A key counts once per account: the decision for one ledger also checks the keys of the account's
 *   other ledgers that can still receive records (`receivingPeriods`), read up to their head first.
 * - The ledgers' folds (their idempotency keys and totals) stay in memory with their revisions, so a
 *   decision reads only what other instances appended since. The append carries the ledger's exact
 *   revision: if another instance appended meanwhile, the append fails, this writer reads only the
 *   events after its revision, folds them and decides again. Each retry follows someone else's
 *   success, so the ledger always progresses.
 * - An append whose outcome is unknown (the store failed) drops the fold: the next decision reads the
 *   ledger again, so a record that did land is then a duplicate, never counted twice.
 */
export class LedgerWriter {
  private readonly ledgers = new Map<string, Ledger>();
  private readonly accounts = new Map<string, AccountQueue>();
  private readonly closedPeriods = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly catalog: EventCatalog,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly options: LedgerWriterOptions = defaultLedgerWriterOptions,
  ) {}

  submit(accountId: string, period: string, records: readonly UsageRecord[], correlationId: string): Promise<SubmissionOutcome> {
    let account = this.accounts.get(accountId);
    if (!account) this.accounts.set(accountId, (account = { accountId, pending: [], busy: false }));
    const queue = account;
    return new Promise<SubmissionOutcome>((resolve, reject) => {
      queue.pending.push({ period, records, correlationId, resolve, reject });
      if (!queue.busy) void this.drain(queue);
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
    ledger = { stream, accountId, period, revision: -1 };
    this.ledgers.set(stream, ledger);
    this.evict();
    return ledger;
  }

  private evict(): void {
    if (this.ledgers.size <= this.options.maxCachedLedgers) return;
    for (const [stream, ledger] of this.ledgers) {
      if (this.ledgers.size <= this.options.maxCachedLedgers) return;
      if (!this.accounts.get(ledger.accountId)?.busy) this.ledgers.delete(stream);
    }
  }

  private async drain(account: AccountQueue): Promise<void> {
    account.busy = true;
    try {
      while (account.pending.length > 0) {
        const byPeriod = new Map<string, Submission[]>();
        for (const submission of this.takeBatch(account)) {
          const group = byPeriod.get(submission.period);
          if (group) group.push(submission);
          else byPeriod.set(submission.period, [submission]);
        }
        // One ledger after the other: each decision sees what the previous one appended.
        for (const [period, batch] of byPeriod) {
          const ledger = this.ledgerOf(account.accountId, period);
          try {
            const outcomes = await this.appendBatch(ledger, batch);
            batch.forEach((submission, index) => submission.resolve(outcomes[index]));
          } catch (error) {
            ledger.state = undefined;
            ledger.revision = -1;
            for (const submission of batch) submission.reject(error);
          }
        }
      }
    } finally {
      account.busy = false;
      if (account.pending.length === 0) this.accounts.delete(account.accountId);
    }
  }

  private takeBatch(account: AccountQueue): Submission[] {
    let records = 0;
    let taken = 0;
    while (taken < account.pending.length) {
      const next = account.pending[taken].records.length;
      if (taken > 0 && records + next > this.options.maxRecordsPerAppend) break;
      records += next;
      taken++;
    }
    return account.pending.splice(0, taken);
  }

  private async appendBatch(ledger: Ledger, batch: readonly Submission[]): Promise<SubmissionOutcome[]> {
    const submissions = batch.map((submission) => submission.records);
    let stale = ledger.state === undefined;
    for (let attempt = 1; ; attempt++) {
      const state = stale || ledger.state === undefined ? await this.catchUp(ledger) : ledger.state;
      // A ledger that does not exist yet for a closed period was not there to be closed: the period's fact refuses it.
      if (ledger.revision < 0 && (await this.periodClosed(ledger.period))) {
        return submissions.map(() => ({ accepted: 0, duplicates: 0, periodClosed: true }));
      }
      const command: RecordUsage = {
        kind: 'RecordUsage',
        accountId: ledger.accountId,
        period: ledger.period,
        submissions,
        heldElsewhere: await this.keysOfOtherLedgers(ledger),
      };
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

  /**
   * The keys of the account's other ledgers that can receive records now, each read up to its head
   * (another instance may have appended a key there). A ledger of a period that can no longer receive
   * records cannot be where a retry's record lands, so it is not read.
   */
  private async keysOfOtherLedgers(ledger: Ledger): Promise<ReadonlySet<string>[]> {
    const others = receivingPeriods(this.clock.now(), MAX_RECORD_AGE_MS, FUTURE_TOLERANCE_MS).filter((period) => period !== ledger.period);
    return Promise.all(others.map(async (period) => (await this.catchUp(this.ledgerOf(ledger.accountId, period))).keys));
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
