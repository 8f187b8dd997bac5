import { EventHandler, RecordedEvent, SubscribeOptions, Subscription, typeMatchesPrefixes } from '@app/event-store';

export interface SubscriptionSettings {
  /**
   * How often the store looks whether the log moved past its idle subscriptions, for appends no
   * notification told of (lost, or written by something else): one query for all of them.
   */
  readonly pollIntervalMs: number;
  /** Events read per query while catching up; keeps each query (and PGlite's main thread) short. */
  readonly batchSize: number;
  /** Retries of a throwing handler before the subscription fails for good. */
  readonly handlerRetries: number;
  /** First retry delay; it doubles on each retry, up to `maxRetryDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
}

export const defaultSubscriptionSettings: SubscriptionSettings = {
  pollIntervalMs: 300,
  batchSize: 250,
  handlerRetries: 4,
  retryDelayMs: 250,
  maxRetryDelayMs: 5_000,
};

export interface LogBatch {
  readonly events: RecordedEvent[];
  /** Every event at or below this position is final: nothing can still commit below it. */
  readonly safeHead: bigint;
}

/** An event type found in the log by the store's poll, with the highest position it has there. */
export interface AppendedType {
  readonly type: string;
  readonly position: bigint;
}

export type ReadLogBatch = (
  after: bigint,
  limit: number,
  typePrefixes?: readonly string[],
  omitDataFields?: readonly string[],
) => Promise<LogBatch>;

/**
 * Reads the global log after its cursor in batches, hands events one at a time to the handler, then
 * sleeps until woken: by a local append, a notification, or the store's poll once the log holds an
 * event of its types past its cursor. Before that poll was the store's, each subscription read the log itself every
 * 300 ms: about 20 subscriptions on the embedded default made 68 log reads a second while idle, with
 * the SQL queue's claims 15% of a core (2 cores, load 10; one query per poll now).
 *
 * Failures: a handler that throws is retried with exponential backoff; after `handlerRetries`
 * retries the subscription stops and `failed` resolves with the handler's error (the event stays
 * unhandled, so a restart from the stored checkpoint delivers it again). Errors reading the log (the
 * database being away) are retried forever with backoff, since the database coming back is the
 * normal way out.
 */
export class LogSubscription implements Subscription {
  readonly failed: Promise<Error>;
  private resolveFailed!: (error: Error) => void;
  private stopped = false;
  private woken = false;
  private idle = false;
  private interruptSleep?: () => void;
  private readonly running: Promise<void>;
  private cursor: bigint;

  constructor(
    private readonly readBatch: ReadLogBatch,
    private readonly options: SubscribeOptions,
    private readonly handler: EventHandler,
    private readonly settings: SubscriptionSettings,
    private readonly onEnd: (subscription: LogSubscription) => void,
  ) {
    this.failed = new Promise((resolve) => (this.resolveFailed = resolve));
    this.cursor = options.after ?? 0n;
    this.running = this.run().finally(() => this.onEnd(this));
  }

  /**
   * Something may have been appended: read again now instead of at the next poll. `types` are the
   * event types of an append this process made; a subscription whose filter matches none of them has
   * nothing new to read and stays asleep (its poll still runs). Without this, every append woke every
   * subscription of the process into a read of the log: about 21 reads per failed sign-in on the
   * embedded default, each a turn of PGlite's single thread that the next query waits behind.
   */
  wake(types?: readonly string[]): void {
    if (types && !types.some((type) => typeMatchesPrefixes(type, this.options.typePrefixes))) return;
    this.woken = true;
    if (this.idle) this.interruptSleep?.();
  }

  /** Asleep and not woken: its cursor moves only by `polled`, until a wake. */
  isIdle(): boolean {
    return this.idle && !this.woken;
  }

  /**
   * The store's poll looked at the log after `from` (at or below this subscription's cursor when it
   * chose it): `appended` holds each event type found there with its highest position, and every
   * position up to `safeHead` is final. A matching type past the cursor wakes the subscription; none
   * lets an idle one skip to the safe head, as its own read of the log would have found nothing. Woken
   * at every poll instead, each of the embedded default's 19 subscriptions read the log about 3 times a
   * second under sign-ins that concern 2 of them: 15 reads per sign-in at cost 12, 57% of PGlite's
   * time in the requests' thread.
   */
  polled(from: bigint, safeHead: bigint, appended: readonly AppendedType[]): void {
    const matching = appended.some(({ type, position }) => position > this.cursor && typeMatchesPrefixes(type, this.options.typePrefixes));
    if (matching) return this.wake();
    if (this.isIdle() && this.cursor >= from && safeHead > this.cursor) this.cursor = safeHead;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interruptSleep?.();
    await this.running;
  }

  caughtUpTo(): bigint {
    return this.cursor;
  }

  private async run(): Promise<void> {
    let readFailures = 0;
    while (!this.stopped) {
      this.woken = false;
      let batch: LogBatch;
      try {
        batch = await this.readBatch(this.cursor, this.settings.batchSize, this.options.typePrefixes, this.options.omitDataFields);
        readFailures = 0;
      } catch {
        readFailures++;
        await this.sleep(this.backoff(readFailures));
        continue;
      }
      for (const event of batch.events) {
        if (this.stopped) return;
        const outcome = await this.deliver(event);
        if (outcome instanceof Error) {
          this.stopped = true;
          this.resolveFailed(outcome);
        }
        if (outcome !== 'handled') return;
        this.cursor = event.position;
      }
      if (batch.events.length < this.settings.batchSize) {
        // Everything up to the safe head that matched the filter was in this batch: skip the rest so a
        // rarely matching filter does not rescan the same events at every poll.
        if (batch.safeHead > this.cursor) this.cursor = batch.safeHead;
        if (!this.woken) await this.sleep(undefined, { idle: true });
      }
    }
  }

  /** The error that ended the retries, or how the delivery ended. */
  private async deliver(event: RecordedEvent): Promise<'handled' | 'stopped' | Error> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.handler(event);
        return 'handled';
      } catch (error) {
        if (attempt >= this.settings.handlerRetries) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }
      await this.sleep(this.backoff(attempt + 1));
      if (this.stopped) return 'stopped';
    }
  }

  private backoff(failures: number): number {
    return Math.min(this.settings.retryDelayMs * 2 ** (failures - 1), this.settings.maxRetryDelayMs);
  }

  /** Ends early on stop(); an idle sleep (no time limit) ends on wake(), a retry backoff does not. */
  private sleep(ms: number | undefined, { idle = false } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.interruptSleep = undefined;
        this.idle = false;
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.interruptSleep = done;
      this.idle = idle;
    });
  }
}
