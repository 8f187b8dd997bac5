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
  DuplicateEventIdError,
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
  eventHash,
} from '@app/event-store';
import {
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
} from './esdb-mapping';

/** The part of the client this adapter uses. */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export interface ReconnectPolicy {
  /** Consecutive failed connections before the subscription fails for good. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export interface EventStoreDbStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  readonly reconnect?: Partial<ReconnectPolicy>;
  /** Events per `$all` read request (reads of `$all` are filtered client side: see `readAll`). */
  readonly allPageSize?: number;
  /** Attempts of an `any`/`stream_exists` append that loses a race with another writer. */
  readonly maxAppendAttempts?: number;
}

const DEFAULT_RECONNECT: ReconnectPolicy = { maxAttempts: 20, initialDelayMs: 200, maxDelayMs: 5000 };

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
  private readonly reconnect: ReconnectPolicy;
  private readonly allPageSize: number;
  private readonly maxAppendAttempts: number;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly client: EsdbClient,
    options: EventStoreDbStoreOptions = {},
  ) {
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.allPageSize = options.allPageSize ?? 500;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 10;
  }

  /** `esdb://host:2113?tls=false` for a local insecure node. */
  static connect(connectionString: string, options: EventStoreDbStoreOptions = {}): EventStoreDbStore {
    return new EventStoreDbStore(EventStoreDBClient.connectionString(connectionString), options);
  }

  // -------------------------------------------------------------------------------------------------
  // Append

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`append to ${stream}: no events`);
    if (expected === 'any' || expected === 'stream_exists') return this.appendAfterLast(stream, events, expected);
    toEsdbExpectedRevision(expected); // validates a numeric revision before any I/O
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
    const serialised = serialiseEvents(stream, events, base + 1, prevHash);
    if (occupied.length > 0) return this.settleRetry(stream, expected, serialised, occupied);
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

  /**
   * The stream already holds events where this append would go: the same events (a retry) is a no-op
   * returning the original result, the same ids with other content is a duplicate, anything else a conflict.
   */
  private async settleRetry(
    stream: string,
    expected: ExpectedRevision,
    serialised: ReturnType<typeof serialiseEvents>,
    occupied: readonly RecordedEvent[],
  ): Promise<AppendResult> {
    const sameIds = occupied.length === serialised.length && occupied.every((event, i) => event.id === serialised[i].id);
    if (sameIds) {
      const changed = occupied.find((event, i) => event.metadata.hash !== serialised[i].hash);
      if (changed) throw new DuplicateEventIdError(stream, changed.id);
      const last = occupied[occupied.length - 1];
      return { nextExpectedRevision: last.revision, position: last.position };
    }
    const reused = serialised.find((event) => occupied.some((stored) => stored.id === event.id));
    if (reused) throw new DuplicateEventIdError(stream, reused.id);
    throw new WrongExpectedRevisionError(stream, expected, await this.lastRevision(stream));
  }

  /** `any` or `stream_exists`, pinned to the last revision read so the chain stays linked. */
  private async appendAfterLast(
    stream: string,
    events: readonly NewEvent[],
    expected: 'any' | 'stream_exists',
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const tail = (await this.readStored(stream, 'backwards', undefined, events.length)).reverse();
      if (tail.length === 0 && expected === 'stream_exists') throw new WrongExpectedRevisionError(stream, expected, -1);
      const retried = this.retriedTail(stream, events, tail);
      if (retried) return retried;
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

  /**
   * Best-effort idempotency for `any`/`stream_exists`, like the server's own for ANY: appending exactly the
   * events that end the stream again is a no-op.
   */
  private retriedTail(stream: string, events: readonly NewEvent[], tail: readonly RecordedEvent[]): AppendResult | undefined {
    if (tail.length !== events.length) return undefined;
    if (!tail.every((stored, i) => stored.id === events[i].id.toLowerCase())) return undefined;
    tail.forEach((stored, i) => {
      const hash = eventHash({ ...events[i], id: stored.id, stream, revision: stored.revision }, stored.metadata.prevHash);
      if (hash !== stored.metadata.hash) throw new DuplicateEventIdError(stream, stored.id);
    });
    const last = tail[tail.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
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
   * Reads `$all` forwards, without the server's events. The client's `readAll` has no filter option (it
   * always sends "no filter"), so type prefixes are applied here, page by page; subscriptions filter on
   * the server.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const events: RecordedEvent[] = [];
    if (limit <= 0) return events;
    let lastSeen = options.after ?? -1n;
    let from = toReadPosition(options.after);
    for (;;) {
      const page = await this.readAllPage(from, 'forwards');
      const seenBefore = lastSeen;
      for (const resolved of page) {
        const recorded = resolved.event;
        if (!recorded) continue;
        const position = positionOfResolved(resolved);
        // A read from a position includes the event at that position; `after` is exclusive.
        if (position <= lastSeen) continue;
        lastSeen = position;
        from = recorded.position;
        if (!matchesTypePrefixes(recorded.type, options.typePrefixes)) continue;
        events.push(this.upcasters.apply(deserialiseEvent(recorded, position)));
        if (events.length >= limit) return events;
      }
      if (page.length < this.allPageSize || lastSeen === seenBefore) return events;
    }
  }

  async headPosition(): Promise<bigint> {
    let from: ReadPosition = END;
    for (;;) {
      const page = await this.readAllPage(from, 'backwards');
      for (const resolved of page) {
        if (resolved.event && !isSystemEventType(resolved.event.type)) return positionOfResolved(resolved);
      }
      const oldest = page[page.length - 1]?.event;
      if (page.length < this.allPageSize || !oldest) return 0n;
      // Backwards reads start at the given position, inclusive: the next page repeats `oldest`, harmlessly.
      from = oldest.position;
    }
  }

  private async readAllPage(
    from: ReadPosition,
    direction: 'forwards' | 'backwards',
  ): Promise<AllStreamResolvedEvent[]> {
    const read = this.client.readAll({
      fromPosition: from,
      direction: direction === 'backwards' ? BACKWARDS : FORWARDS,
      maxCount: this.allPageSize,
    });
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of read as AsyncIterable<AllStreamResolvedEvent>) page.push(resolved);
    return page;
  }

  // -------------------------------------------------------------------------------------------------
  // Subscriptions

  subscribeToAll(options: SubscribeOptions, handler: EventHandler): Subscription {
    const subscription = new CatchUpSubscription(this.client, options, handler, this.upcasters, this.reconnect);
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

/** Errors from our own side of a subscription (the handler, an unreadable event) are not retried. */
class HandlerFailure {
  constructor(readonly error: Error) {}
}

/**
 * A catch-up subscription to `$all` from an exclusive checkpoint, filtered on the server. Events are
 * handled one at a time; a dropped connection is reopened from the last handled position.
 */
class CatchUpSubscription implements Subscription {
  readonly failed: Promise<Error>;
  /** Settles when the subscription has stopped or failed. */
  readonly done: Promise<void>;

  private stopped = false;
  private lastHandled: bigint | undefined;
  private current: ReturnType<EsdbClient['subscribeToAll']> | undefined;
  private wakeUp: (() => void) | undefined;
  private fail!: (error: Error) => void;

  constructor(
    private readonly client: EsdbClient,
    private readonly options: SubscribeOptions,
    private readonly handler: EventHandler,
    private readonly upcasters: UpcasterRegistry,
    private readonly policy: ReconnectPolicy,
  ) {
    this.lastHandled = options.after;
    this.failed = new Promise<Error>((resolve) => (this.fail = resolve));
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.closeCurrent();
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const handledBefore = this.lastHandled;
      try {
        await this.follow();
        if (this.stopped) return;
        throw new Error('the server ended the subscription');
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof HandlerFailure) return this.giveUp(error.error);
        failures = this.lastHandled !== handledBefore ? 1 : failures + 1;
        if (failures >= this.policy.maxAttempts) return this.giveUp(asError(error));
        await this.closeCurrent();
        await this.pause(Math.min(this.policy.initialDelayMs * 2 ** (failures - 1), this.policy.maxDelayMs));
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
      try {
        await this.handler(event);
      } catch (error) {
        throw new HandlerFailure(asError(error));
      }
      this.lastHandled = event.position;
    }
  }

  /** Undefined for what the handler must not see: server events, and anything at or before the checkpoint. */
  private decode(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    const recorded = resolved.event;
    if (!recorded || !matchesTypePrefixes(recorded.type, this.options.typePrefixes)) return undefined;
    try {
      const position = positionOfResolved(resolved);
      if (this.lastHandled !== undefined && position <= this.lastHandled) return undefined;
      return this.upcasters.apply(deserialiseEvent(recorded, position));
    } catch (error) {
      throw new HandlerFailure(asError(error));
    }
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

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async giveUp(error: Error): Promise<void> {
    this.stopped = true;
    await this.closeCurrent();
    this.fail(error);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
