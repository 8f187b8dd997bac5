import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  type AllStreamResolvedEvent,
  type AppendResult as EsdbAppendResult,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  UpcasterRegistry,
  WrongExpectedRevisionError,
} from '@app/event-store';
import {
  checkBatch,
  deserialiseEvent,
  isStreamNotFound,
  isSystemEventType,
  isWrongExpectedVersion,
  matchesTypePrefixes,
  positionFromEsdb,
  positionOfResolved,
  revisionFromEsdb,
  revisionToEsdb,
  serialiseEvents,
  subscriptionFilter,
  toEsdbExpectedRevision,
  toReadPosition,
  toReadRevision,
  translateAppendError,
  UnreadableEventError,
} from './esdb-mapping';

/**
 * An event of `$all` that this store did not write (another application on a shared server: not JSON,
 * or without the chain metadata) is none of ours: skipped by `$all` reads and subscriptions, which
 * would otherwise stop at it for good. Stream reads stay strict: a stream of ours holds only our events.
 */
function ourEventOrNothing(recorded: Parameters<typeof deserialiseEvent>[0], position: bigint): RecordedEvent | undefined {
  try {
    return deserialiseEvent(recorded, position);
  } catch (error) {
    if (error instanceof UnreadableEventError) return undefined;
    throw error;
  }
}

/** Marks the end of the history in a `$all` subscription that `readAll` reads (see there). */
const CAUGHT_UP = Symbol('caught up');

/** The part of the client this adapter uses. */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

/** The same knobs, and defaults, as the PostgreSQL adapter's subscriptions, plus reconnection. */
export interface EsdbSubscriptionSettings {
  /** Retries of a throwing handler (same event, in place) before the subscription fails for good. */
  readonly handlerRetries: number;
  /** First retry delay, for the handler and for reconnecting; it doubles up to `maxRetryDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /**
   * Consecutive failed connections before the subscription fails for good. Unlimited by default:
   * the server coming back is the normal way out (as the PostgreSQL adapter retries its reads).
   */
  readonly maxReconnectAttempts: number;
}

export const defaultEsdbSubscriptionSettings: EsdbSubscriptionSettings = {
  handlerRetries: 4,
  retryDelayMs: 250,
  maxRetryDelayMs: 5_000,
  maxReconnectAttempts: Number.POSITIVE_INFINITY,
};

export interface EventStoreDbStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  readonly subscriptions?: Partial<EsdbSubscriptionSettings>;
  /** Events per backwards `$all` read request (`headPosition`). */
  readonly allPageSize?: number;
  /** Attempts of an `any`/`stream_exists` append that loses a race with another writer. */
  readonly maxAppendAttempts?: number;
}

/**
 * The event store port on EventStoreDB (KurrentDB) through @eventstore/db-client.
 *
 * The hash chain needs the hash of the event before the first appended one, so every append reads that
 * event first. With `no_stream` or an exact revision the server's check makes the read and the write
 * consistent. `any` and `stream_exists` are written with the exact revision that was read (and retried on
 * a lost race): passing ANY/STREAM_EXISTS through would let a concurrent writer slip in between and
 * break the chain. Their meaning is unchanged: `any` never fails on a race, `stream_exists` fails only
 * when the stream has no event.
 */
export class EventStoreDbStore implements EventStore {
  readonly name = 'eventstoredb';

  private readonly upcasters: UpcasterRegistry;
  private readonly subscriptionSettings: EsdbSubscriptionSettings;
  private readonly allPageSize: number;
  private readonly maxAppendAttempts: number;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly client: EsdbClient,
    options: EventStoreDbStoreOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.subscriptionSettings = { ...defaultEsdbSubscriptionSettings, ...options.subscriptions };
    this.allPageSize = options.allPageSize ?? 1000;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 10;
  }

  /** `esdb://host:2113?tls=false` for a local insecure node. */
  static connect(connectionString: string, options: EventStoreDbStoreOptions = {}): EventStoreDbStore {
    return new EventStoreDbStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  // -------------------------------------------------------------------------------------------------
  // Append

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    checkBatch(stream, events);
    if (typeof expected === 'number') toEsdbExpectedRevision(expected); // refuses a bad revision before any I/O
    if (events.length === 0) return this.checkOnly(stream, expected);
    if (expected === 'any' || expected === 'stream_exists') return this.appendAfterLast(stream, events, expected);
    return this.appendAt(stream, events, expected);
  }

  /** `no_stream` or an exact revision: the server enforces it, and retries of the same events are no-ops. */
  private async appendAt(stream: string, events: readonly NewEvent[], expected: 'no_stream' | number): Promise<AppendResult> {
    const base = expected === 'no_stream' ? -1 : expected;
    // One read gets the predecessor (for prevHash) and whatever already sits where these events go.
    const window = await this.readStored(stream, 'forwards', Math.max(base, 0), events.length + (base >= 0 ? 1 : 0));
    let prevHash: string | null = null;
    let occupied = window;
    if (base >= 0) {
      const predecessor = window[0];
      if (!predecessor || predecessor.revision !== base) {
        throw new WrongExpectedRevisionError(stream, expected, await this.lastRevision(stream));
      }
      prevHash = predecessor.metadata.hash;
      occupied = window.slice(1);
    }
    if (occupied.length > 0) {
      // The same ids right after the expected revision: a retry, answered with the original result
      // (as the server itself does, and as the PostgreSQL adapter does). Anything else: a conflict.
      const original = sameIds(occupied, events);
      if (original) return original;
      throw new WrongExpectedRevisionError(stream, expected, await this.lastRevision(stream));
    }
    const serialised = serialiseEvents(stream, events, base + 1, prevHash);
    try {
      const result = await this.client.appendToStream(
        stream,
        serialised.map((event) => event.eventData),
        { expectedRevision: toEsdbExpectedRevision(expected) },
      );
      return await this.toAppendResult(stream, result);
    } catch (error) {
      throw translateAppendError(error, stream, expected);
    }
  }

  /** `any` or `stream_exists`, pinned to the last revision read so the chain stays linked. */
  private async appendAfterLast(stream: string, events: readonly NewEvent[], expected: 'any' | 'stream_exists'): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const tail = (await this.readStored(stream, 'backwards', undefined, events.length)).reverse();
      if (tail.length === 0 && expected === 'stream_exists') throw new WrongExpectedRevisionError(stream, expected, -1);
      // Best-effort idempotency, as the server's own for ANY: the same events ending the stream are a retry.
      const original = sameIds(tail, events);
      if (original) return original;
      const last = tail[tail.length - 1];
      const serialised = serialiseEvents(stream, events, last ? last.revision + 1 : 0, last?.metadata.hash ?? null);
      try {
        const result = await this.client.appendToStream(
          stream,
          serialised.map((event) => event.eventData),
          { expectedRevision: last ? revisionToEsdb(last.revision) : NO_STREAM },
        );
        return await this.toAppendResult(stream, result);
      } catch (error) {
        if (!isWrongExpectedVersion(error) || attempt >= this.maxAppendAttempts) {
          throw translateAppendError(error, stream, expected);
        }
      }
    }
  }

  /** An empty append writes nothing, but still answers whether the expectation holds. */
  private async checkOnly(stream: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.readStored(stream, 'backwards', undefined, 1);
    const actual = last ? last.revision : -1;
    const holds =
      expected === 'any' ||
      (expected === 'no_stream' && actual === -1) ||
      (expected === 'stream_exists' && actual >= 0) ||
      expected === actual;
    if (!holds) throw new WrongExpectedRevisionError(stream, expected, actual);
    return { nextExpectedRevision: actual, position: last ? last.position : 0n };
  }

  private async toAppendResult(stream: string, result: EsdbAppendResult): Promise<AppendResult> {
    const nextExpectedRevision = revisionFromEsdb(result.nextExpectedRevision);
    // The server reports the commit position of the last event written; an idempotent write may report none.
    const position = positionFromEsdb(result.position);
    if (position !== undefined) return { nextExpectedRevision, position };
    const [last] = await this.readStored(stream, 'forwards', nextExpectedRevision, 1);
    if (!last) throw new Error(`append to ${stream}: event ${nextExpectedRevision} not found after the write`);
    return { nextExpectedRevision, position: last.position };
  }

  private async lastRevision(stream: string): Promise<number> {
    const [last] = await this.readStored(stream, 'backwards', undefined, 1);
    return last ? last.revision : -1;
  }

  // -------------------------------------------------------------------------------------------------
  // Reads

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events = await this.readStored(stream, options.direction ?? 'forwards', options.fromRevision, options.maxCount);
    return options.raw ? events : events.map((event) => this.upcasters.apply(event));
  }

  /** As stored (no upcasting). A missing stream is an empty list. */
  private async readStored(
    stream: string,
    direction: 'forwards' | 'backwards',
    fromRevision: number | undefined,
    maxCount: number | undefined,
  ): Promise<RecordedEvent[]> {
    if (maxCount !== undefined && maxCount <= 0) return [];
    const read = this.client.readStream(stream, {
      direction: direction === 'backwards' ? BACKWARDS : FORWARDS,
      fromRevision: toReadRevision(direction, fromRevision),
      ...(maxCount !== undefined ? { maxCount } : {}),
    });
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
        if (!resolved.event) continue;
        events.push(deserialiseEvent(resolved.event, positionOfResolved(resolved)));
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  /**
   * Reads `$all` forwards after a position, without the server's events or another application's, filtered
   * by type on the server: the 6.2.1 client's `readAll` cannot send a filter (it always asks for none), so
   * this is a filtered catch-up subscription ended when the server reports it caught up. A read costs
   * what it returns, not the whole log.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    if (limit <= 0) return events;
    const subscription = this.client.subscribeToAll({
      fromPosition: toReadPosition(options.after),
      filter: subscriptionFilter(options.typePrefixes),
    });
    // Emitted while the server's caught-up message is transformed, so after every event before it was
    // pushed: a marker pushed then comes after them in the stream.
    subscription.once('caughtUp', () => subscription.push(CAUGHT_UP));
    try {
      for await (const item of subscription as AsyncIterable<AllStreamResolvedEvent | typeof CAUGHT_UP>) {
        if (item === CAUGHT_UP) break;
        const recorded = item.event;
        if (!recorded || !matchesTypePrefixes(recorded.type, options.typePrefixes)) continue;
        const position = positionOfResolved(item);
        // The subscription starts after `fromPosition` already; this guards a server that repeats it.
        if (options.after !== undefined && position <= options.after) continue;
        const ours = ourEventOrNothing(recorded, position);
        if (!ours) continue;
        events.push(this.upcasters.apply(ours));
        if (events.length >= limit) break;
      }
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    }
    return events;
  }

  async headPosition(): Promise<bigint> {
    let from: ReadPosition = END;
    for (;;) {
      const page = await this.readAllBackwards(from);
      for (const resolved of page) {
        if (resolved.event && !isSystemEventType(resolved.event.type)) return positionOfResolved(resolved);
      }
      const oldest = page[page.length - 1]?.event;
      if (page.length < this.allPageSize || !oldest) return 0n;
      // Backwards reads start at the given position, inclusive: the next page repeats `oldest`, harmlessly.
      from = oldest.position;
    }
  }

  private async readAllBackwards(from: ReadPosition): Promise<AllStreamResolvedEvent[]> {
    const read = this.client.readAll({
      fromPosition: from,
      direction: BACKWARDS,
      maxCount: this.allPageSize,
    });
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) page.push(resolved);
    return page;
  }

  // -------------------------------------------------------------------------------------------------
  // Subscriptions

  subscribeToAll(options: SubscribeOptions, handler: EventHandler): Subscription {
    const subscription = new CatchUpSubscription(this.client, options, handler, this.upcasters, this.subscriptionSettings);
    this.subscriptions.add(subscription);
    const forget = () => this.subscriptions.delete(subscription);
    void subscription.done.then(forget);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }
}

/** Ends the subscription for good: a handler that kept failing, or an event this store cannot read. */
class SubscriptionFailure {
  constructor(readonly error: Error) {}
}

/**
 * A catch-up subscription to `$all` from an exclusive checkpoint, filtered on the server. Events are
 * handled one at a time, in `$all` order. A throwing handler is retried in place with backoff, then the
 * subscription fails for good (`failed` resolves; the event stays unhandled, so a restart from the stored
 * checkpoint delivers it again). A dropped connection is reopened from the last handled position.
 */
class CatchUpSubscription implements Subscription {
  readonly failed: Promise<Error>;
  /** Settles when the subscription has stopped or failed. */
  readonly done: Promise<void>;

  private stopped = false;
  private lastHandled: bigint | undefined;
  private current: ReturnType<EsdbClient['subscribeToAll']> | undefined;
  private interruptPause: (() => void) | undefined;
  private fail!: (error: Error) => void;

  constructor(
    private readonly client: EsdbClient,
    private readonly options: SubscribeOptions,
    private readonly handler: EventHandler,
    private readonly upcasters: UpcasterRegistry,
    private readonly settings: EsdbSubscriptionSettings,
  ) {
    this.lastHandled = options.after;
    this.failed = new Promise<Error>((resolve) => (this.fail = resolve));
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interruptPause?.();
    await this.closeCurrent();
    await this.done;
  }

  caughtUpTo(): bigint {
    return this.lastHandled ?? 0n;
  }

  private async run(): Promise<void> {
    let connectionFailures = 0;
    while (!this.stopped) {
      const handledBefore = this.lastHandled;
      try {
        await this.follow();
        if (this.stopped) return;
        throw new Error('the server ended the subscription');
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof SubscriptionFailure) return this.giveUp(error.error);
        connectionFailures = this.lastHandled !== handledBefore ? 1 : connectionFailures + 1;
        if (connectionFailures >= this.settings.maxReconnectAttempts) return this.giveUp(asError(error));
        await this.closeCurrent();
        await this.pause(this.backoff(connectionFailures));
      }
    }
  }

  private async follow(): Promise<void> {
    const subscription = this.client.subscribeToAll({
      fromPosition: toReadPosition(this.lastHandled),
      filter: subscriptionFilter(this.options.typePrefixes),
    });
    this.current = subscription;
    for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
      if (this.stopped) return;
      const event = this.decode(resolved);
      if (!event) continue;
      if (!(await this.deliver(event))) return;
      this.lastHandled = event.position;
    }
  }

  /** True once handled; false when stopped meanwhile. Throws SubscriptionFailure when retries run out. */
  private async deliver(event: RecordedEvent): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.handler(event);
        return true;
      } catch (error) {
        if (attempt >= this.settings.handlerRetries) throw new SubscriptionFailure(asError(error));
      }
      await this.pause(this.backoff(attempt + 1));
      if (this.stopped) return false;
    }
  }

  /** Undefined for what the handler must not see: server events, and anything at or before the checkpoint. */
  private decode(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    const recorded = resolved.event;
    if (!recorded || !matchesTypePrefixes(recorded.type, this.options.typePrefixes)) return undefined;
    try {
      const position = positionOfResolved(resolved);
      if (this.lastHandled !== undefined && position <= this.lastHandled) return undefined;
      const ours = ourEventOrNothing(recorded, position);
      return ours && this.upcasters.apply(ours);
    } catch (error) {
      throw new SubscriptionFailure(asError(error));
    }
  }

  private backoff(failures: number): number {
    return Math.min(this.settings.retryDelayMs * 2 ** (failures - 1), this.settings.maxRetryDelayMs);
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    try {
      await current.unsubscribe();
    } catch {
      // The connection is already gone.
    }
    current.destroy();
  }

  /** Ends early on stop(). */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.interruptPause = done;
    });
  }

  private async giveUp(error: Error): Promise<void> {
    this.stopped = true;
    await this.closeCurrent();
    this.fail(error);
  }
}

/** The result of an earlier append of exactly these events, when `stored` holds their ids in order. */
function sameIds(stored: readonly RecordedEvent[], events: readonly NewEvent[]): AppendResult | undefined {
  if (stored.length !== events.length || !stored.every((event, i) => event.id === events[i].id.toLowerCase())) return undefined;
  const last = stored[stored.length - 1];
  return { nextExpectedRevision: last.revision, position: last.position };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
