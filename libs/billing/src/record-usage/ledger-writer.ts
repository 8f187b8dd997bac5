import { randomUUID } from 'node:crypto';
import { Clock, ConcurrencyConflictError, EventCatalog, fold, Occurred, toDomainEvent } from '@app/ddd';
import { AppendResult, EventStore, NewEvent, StreamAppend, StreamRead, WrongExpectedRevisionError } from '@app/event-store';
import { Metrics } from '@app/metrics';
import { UsageEvent, UsageEventType, UsageRecord, usageLedgerStream } from '../domain/usage.events';
import {
  decideRecordUsage,
  evolveUsageLedger,
  freshUsageLedgerState,
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
  /** Records decided together and written in one append (a round): at most this many, one submission at least. */
  readonly maxRecordsPerAppend: number;
  /** Attempts when another instance appended to a ledger of the round meanwhile (each one catches up first). */
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

/** The submissions of one account waiting for its writer; one round per account at a time. */
interface AccountQueue {
  readonly accountId: string;
  pending: Submission[];
  busy: boolean;
}

/** One ledger's part of a round: the submissions it decides together. */
interface LedgerWork {
  readonly ledger: Ledger;
  readonly submissions: readonly Submission[];
}

/** A ledger's decision in a round: what each submission gets, and the events that make it so. */
interface Decided {
  readonly work: LedgerWork;
  readonly state: UsageLedgerState;
  readonly outcomes: readonly SubmissionOutcome[];
  readonly events: readonly UsageEvent[];
}

/**
 * Appends usage to the ledgers (`billing_usage-<account>-<period>`), one writer per account in this
 * instance (see README, "Streams and batching"):
 *
 * - Submissions waiting when a round starts (every account a request touches, and whatever other
 *   requests queued for accounts that were busy) are decided together and written in one append
 *   across all their ledgers (`appendToStreams`), after one read that brings every ledger involved up
 *   to its head. An account is in one round at a time: concurrent requests for one account never
 *   conflict with each other inside an instance, and rounds of other accounts run meanwhile.
 * - A key counts once per account: the decision for one ledger also checks the keys of the account's
 *   other ledgers that can still receive records (`receivingPeriods`), and those decided for its other
 *   ledgers earlier in the same round.
 * - The ledgers' folds (their idempotency keys and totals) stay in memory with their revisions, so
 *   the round's read returns only what other instances appended since. Every append carries each
 *   ledger's exact revision: if another instance appended to one meanwhile, nothing of the round is
 *   written; it reads again and decides again. Each retry follows someone else's success, so the
 *   ledgers always progress.
 * - An append whose outcome is unknown (the store failed) drops the folds: the next decision reads the
 *   ledgers again, so a record that did land is then a duplicate, never counted twice.
 * - A store without `appendToStreams` (EventStoreDB) gets the round's ledgers one append at a time, in
 *   order; a conflict keeps those already written and decides the rest again.
 */
export class LedgerWriter {
  private readonly ledgers = new Map<string, Ledger>();
  private readonly accounts = new Map<string, AccountQueue>();
  /** Accounts with submissions and no round in flight, in the order they became ready. */
  private readonly ready = new Set<AccountQueue>();
  private flushScheduled = false;
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
      if (!queue.busy) this.markReady(queue);
    });
  }

  /** The round starts once the code submitting now is done: every ledger of a request goes into one append. */
  private markReady(account: AccountQueue): void {
    this.ready.add(account);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.ready.size > 0) {
      const accounts: AccountQueue[] = [];
      const work: LedgerWork[] = [];
      let budget = this.options.maxRecordsPerAppend;
      for (const account of this.ready) {
        if (budget <= 0) break;
        this.ready.delete(account);
        account.busy = true;
        accounts.push(account);
        const taken = this.takeBatch(account, budget);
        for (const submission of taken) budget -= submission.records.length;
        const byPeriod = new Map<string, Submission[]>();
        for (const submission of taken) {
          const group = byPeriod.get(submission.period);
          if (group) group.push(submission);
          else byPeriod.set(submission.period, [submission]);
        }
        for (const [period, submissions] of byPeriod) work.push({ ledger: this.ledgerOf(account.accountId, period), submissions });
      }
      void this.runRound(accounts, work);
    }
  }

  private async runRound(accounts: readonly AccountQueue[], work: readonly LedgerWork[]): Promise<void> {
    try {
      await this.appendRound(work);
    } finally {
      for (const account of accounts) {
        account.busy = false;
        if (account.pending.length > 0) this.markReady(account);
        else this.accounts.delete(account.accountId);
      }
    }
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

  /** The account's oldest submissions, up to `budget` records (at least one submission). */
  private takeBatch(account: AccountQueue, budget: number): Submission[] {
    let records = 0;
    let taken = 0;
    while (taken < account.pending.length) {
      const next = account.pending[taken].records.length;
      if (taken > 0 && records + next > budget) break;
      records += next;
      taken++;
    }
    return account.pending.splice(0, taken);
  }

  /** Decides and appends every ledger of the round; settles each submission, never throws. */
  private async appendRound(work: readonly LedgerWork[]): Promise<void> {
    let remaining = work;
    try {
      for (let attempt = 1; remaining.length > 0; attempt++) {
        const consulted = await this.catchUp(remaining);
        const decided = this.decide(remaining, consulted);
        const toAppend: Decided[] = [];
        for (const decision of decided) {
          if (decision.events.length > 0) toAppend.push(decision);
          else decision.work.submissions.forEach((submission, index) => submission.resolve(decision.outcomes[index]));
        }
        remaining = toAppend.map((decision) => decision.work);
        const landed = await this.append(toAppend);
        remaining = remaining.slice(landed);
        if (remaining.length === 0) return;
        if (attempt >= this.options.maxAttempts) throw new ConcurrencyConflictError(remaining[0].ledger.stream);
        // Another instance appended: the next round reads what it wrote and decides again.
        if (attempt > 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    } catch (error) {
      for (const { ledger, submissions } of remaining) {
        ledger.state = undefined;
        ledger.revision = -1;
        for (const submission of submissions) submission.reject(error);
      }
    }
  }

  /**
   * Every ledger of the round's accounts that a decision consults (the targets, and the account's
   * other ledgers that can receive records now), read up to its head, and the closed-period fact of
   * each target not written yet in a past period: one read for the whole round. Returns each
   * account's ledgers so read.
   */
  private async catchUp(work: readonly LedgerWork[]): Promise<Map<string, Ledger[]>> {
    const byAccount = new Map<string, Ledger[]>();
    for (const { ledger } of work)
      if (!byAccount.has(ledger.accountId)) byAccount.set(ledger.accountId, this.ledgersOfAccount(ledger.accountId, work));
    const ledgers = new Set([...byAccount.values()].flat());
    const current = periodOf(this.clock.now());
    const periods = new Set<string>();
    for (const { ledger } of work) {
      if (ledger.revision < 0 && ledger.period < current && !this.closedPeriods.has(ledger.period)) periods.add(ledger.period);
    }
    const reads: StreamRead[] = [...ledgers].map((ledger) => ({
      stream: ledger.stream,
      fromRevision: ledger.state === undefined ? 0 : ledger.revision + 1,
    }));
    for (const period of periods) reads.push({ stream: billingPeriodStream(period), fromRevision: 0 });
    const read = this.store.readStreams
      ? await this.store.readStreams(reads)
      : await Promise.all(reads.map(({ stream, fromRevision }) => this.store.readStream(stream, { fromRevision })));
    [...ledgers].forEach((ledger, index) => {
      const recorded = read[index];
      const known = ledger.state;
      ledger.state = fold(evolveUsageLedger, known ?? freshUsageLedgerState(), recorded.map(toDomainEvent) as Occurred<UsageEvent>[]);
      if (recorded.length > 0) ledger.revision = recorded[recorded.length - 1].revision;
      else if (known === undefined) ledger.revision = -1;
    });
    // Closing is for good, so a closed answer is kept.
    [...periods].forEach((period, index) => {
      if (read[ledgers.size + index].length > 0) this.closedPeriods.add(period);
    });
    return byAccount;
  }

  /** The account's ledgers that can receive records now, and its targets in this round. */
  private ledgersOfAccount(accountId: string, work: readonly LedgerWork[]): Ledger[] {
    const periods = new Set(receivingPeriods(this.clock.now(), MAX_RECORD_AGE_MS, FUTURE_TOLERANCE_MS));
    for (const { ledger } of work) if (ledger.accountId === accountId) periods.add(ledger.period);
    return [...periods].map((period) => this.ledgerOf(accountId, period));
  }

  /**
   * The decisions of the round on the folds just read, without changing them (a fold changes only once
   * its events are written). An account's ledgers are decided one after the other: each also holds
   * the keys of the account's other ledgers and those its earlier ledgers record in this round.
   */
  private decide(work: readonly LedgerWork[], consulted: ReadonlyMap<string, readonly Ledger[]>): Decided[] {
    const decidedKeys = new Map<string, Set<string>[]>();
    const ledgersLeft = new Map<string, number>();
    for (const { ledger } of work) ledgersLeft.set(ledger.accountId, (ledgersLeft.get(ledger.accountId) ?? 0) + 1);
    return work.map((item) => {
      const { ledger } = item;
      const laterLedgers = ledgersLeft.get(ledger.accountId)! - 1;
      ledgersLeft.set(ledger.accountId, laterLedgers);
      const state = ledger.state!;
      const closed = ledger.revision < 0 && this.closedPeriods.has(ledger.period);
      const submissions = item.submissions.map((submission) => submission.records);
      if (closed) {
        return { work: item, state, events: [], outcomes: submissions.map(() => ({ accepted: 0, duplicates: 0, periodClosed: true })) };
      }
      const earlier = decidedKeys.get(ledger.accountId) ?? [];
      const others = consulted.get(ledger.accountId)!.filter((other) => other !== ledger);
      const command: RecordUsage = {
        kind: 'RecordUsage',
        accountId: ledger.accountId,
        period: ledger.period,
        submissions,
        // Empty sets left out: every record would look its key up in each of them.
        heldElsewhere: [...others.map((other) => other.state!.keys).filter((keys) => keys.size > 0), ...earlier],
      };
      const { events, outcomes } = decideRecordUsage(command, state);
      // The keys recorded here, for the account's later ledgers in this round (a request across periods).
      if (laterLedgers > 0) {
        const fresh = new Set<string>();
        for (const event of events)
          if (event.type === UsageEventType.Recorded) for (const record of event.data.records) fresh.add(record.idempotencyKey);
        decidedKeys.set(ledger.accountId, [...earlier, fresh]);
      }
      return { work: item, state, events, outcomes };
    });
  }

  /**
   * Writes the decisions: in one append across their ledgers where the store has it, else one ledger
   * after the other. Each written ledger's fold and revision move on and its submissions are answered.
   * Returns how many (in order) were written; the others lost a race to another instance.
   */
  private async append(decided: readonly Decided[]): Promise<number> {
    if (decided.length === 0) return 0;
    const occurredAt = this.clock.now().toISOString();
    const appends: StreamAppend[] = decided.map(({ work: { ledger, submissions }, events }) => ({
      stream: ledger.stream,
      events: this.toNewEvents(events, ledger.accountId, submissions[0].correlationId, occurredAt),
      expected: ledger.revision < 0 ? 'no_stream' : ledger.revision,
    }));
    const written = async (write: () => Promise<AppendResult[]>): Promise<AppendResult[] | undefined> => {
      try {
        return await write();
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) return undefined;
        throw new UsageUnavailableError(error);
      }
    };
    const land = (decision: Decided, result: AppendResult): void => {
      const { ledger, submissions } = decision.work;
      ledger.state = fold(
        evolveUsageLedger,
        decision.state,
        decision.events.map((event) => ({ ...event, occurredAt })) as Occurred<UsageEvent>[],
      );
      ledger.revision = result.nextExpectedRevision;
      this.countAccepted(decision.events);
      submissions.forEach((submission, index) => submission.resolve(decision.outcomes[index]));
    };
    if (this.store.appendToStreams) {
      const results = await written(() => this.store.appendToStreams!(appends));
      results?.forEach((result, index) => land(decided[index], result));
      return results ? decided.length : 0;
    }
    for (const [index, append] of appends.entries()) {
      const results = await written(async () => [await this.store.append(append.stream, append.events, append.expected)]);
      if (!results) return index;
      land(decided[index], results[0]);
    }
    return decided.length;
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
