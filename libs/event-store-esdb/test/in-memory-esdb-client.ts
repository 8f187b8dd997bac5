import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type AppendExpectedRevision,
  type AppendResult,
  type EventData,
  type Filter,
  type JSONEventData,
  type Position,
} from '@eventstore/db-client';
import type { EsdbClient } from '@app/event-store-esdb';

/**
 * A stand-in for the @eventstore/db-client client, in memory, behaving as the server is documented to:
 * revisions and positions as bigint, positions above 2^53 with gaps, `$all` holding system events,
 * appends checked against the expected revision (idempotent when the same ids sit at the expected place),
 * missing streams failing stream reads with StreamNotFoundError, reads of `$all` inclusive of their start
 * position, subscriptions exclusive of it, server-side subscription filters, `caughtUp` once a subscription
 * has delivered the history. Like the 6.2.1 client, `readAll` takes no filter. It lets the adapter's own
 * logic (chain links, retries, paging, reconnection) run here; the server's real behaviour is checked by
 * the contract suite when EVENTSTORE_CONNECTION_STRING is set.
 */
export class InMemoryEsdbClient {
  private readonly log: AllStreamRecordedEvent[] = [];
  private readonly streams = new Map<string, AllStreamRecordedEvent[]>();
  private readonly live = new Set<{ readable: Readable; from: bigint; filter?: Filter }>();
  private nextPosition = 2n ** 53n;
  private available = true;
  /** Subscriptions opened so far (reconnections included). */
  subscriptionsOpened = 0;
  /** Events sent to the client so far, by `$all` reads and subscriptions: what a read costs the server. */
  allEventsSent = 0;

  constructor() {
    this.writeSystemEvent('$metadata');
  }

  asClient(): EsdbClient {
    return this as unknown as EsdbClient;
  }

  /** The server's own bookkeeping, as found in `$all`. */
  writeSystemEvent(type = '$statsCollected'): void {
    this.record(`$$system-${this.log.length}`, {
      id: randomUUID(),
      type,
      contentType: 'application/json',
      data: {},
      metadata: undefined,
    } as EventData);
  }

  /** Another application's event on the same server: a type of its own, none of this store's metadata. */
  writeForeignEvent(stream = 'orders-1', type = 'OrderPlaced', contentType = 'application/json'): void {
    this.record(stream, { id: randomUUID(), type, contentType, data: { total: 1 }, metadata: undefined } as EventData);
  }

  /** Drops every open subscription, and refuses new connections until `comeBack`. */
  goDown(): void {
    this.available = false;
    for (const subscription of this.live) subscription.readable.destroy(new UnavailableError());
    this.live.clear();
  }

  /** Drops every open subscription once; reconnecting works at once. */
  dropConnections(): void {
    this.goDown();
    this.comeBack();
  }

  comeBack(): void {
    this.available = true;
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    { expectedRevision = ANY }: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.ensureAvailable();
    const proposed = Array.isArray(events) ? events : [events];
    const existing = this.streams.get(streamName) ?? [];
    const current = existing.length > 0 ? BigInt(existing.length - 1) : undefined;
    const start = expectedRevision === NO_STREAM ? 0 : typeof expectedRevision === 'bigint' ? Number(expectedRevision) + 1 : undefined;
    if (start !== undefined) {
      const atPlace = existing.slice(start, start + proposed.length);
      if (atPlace.length === proposed.length && atPlace.every((event, i) => event.id === proposed[i].id.toLowerCase())) {
        // Idempotent: the server reports success and the revision, here without a position.
        return { success: true, nextExpectedRevision: BigInt(start + proposed.length - 1), position: undefined };
      }
    }
    const accepted =
      expectedRevision === ANY ||
      (expectedRevision === NO_STREAM && current === undefined) ||
      (expectedRevision === STREAM_EXISTS && current !== undefined) ||
      (typeof expectedRevision === 'bigint' && current === expectedRevision);
    if (!accepted) {
      throw new WrongExpectedVersionError(undefined, { streamName, expected: expectedRevision, current: current ?? NO_STREAM });
    }
    let last!: AllStreamRecordedEvent;
    for (const event of proposed) last = this.record(streamName, event);
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  readStream(
    streamName: string,
    options: { direction?: string; fromRevision?: 'start' | 'end' | bigint; maxCount?: number | bigint } = {},
  ): Readable {
    const { direction = 'forwards', fromRevision = 'start', maxCount = Number.MAX_SAFE_INTEGER } = options;
    const self = this;
    return this.readable(
      (function* () {
        self.ensureAvailable();
        const events = self.streams.get(streamName);
        if (!events) throw new StreamNotFoundError(undefined, streamName);
        const from = fromRevision === 'start' ? 0 : fromRevision === 'end' ? events.length - 1 : Number(fromRevision);
        const selected = direction === 'backwards' ? events.slice(0, from + 1).reverse() : events.slice(from);
        for (const event of selected.slice(0, Number(maxCount))) yield { event };
      })(),
    );
  }

  readAll(options: { direction?: string; fromPosition?: 'start' | 'end' | Position; maxCount?: number | bigint } = {}): Readable {
    const { direction = 'forwards', fromPosition = 'start', maxCount = Number.MAX_SAFE_INTEGER } = options;
    const self = this;
    return this.readable(
      (function* () {
        self.ensureAvailable();
        const backwards = direction === 'backwards';
        const from = fromPosition === 'start' ? -1n : fromPosition === 'end' ? 2n ** 64n : fromPosition.commit;
        const selected = backwards
          ? self.log.filter((event) => event.position.commit <= from).reverse()
          : self.log.filter((event) => event.position.commit >= from);
        for (const event of selected.slice(0, Number(maxCount))) {
          self.allEventsSent++;
          yield { event, commitPosition: event.position.commit };
        }
      })(),
    );
  }

  subscribeToAll(options: { fromPosition?: 'start' | 'end' | Position; filter?: Filter } = {}): Readable {
    this.subscriptionsOpened++;
    const readable = new Readable({ objectMode: true, read() {} });
    const subscription = {
      readable,
      from:
        options.fromPosition === undefined || options.fromPosition === 'start'
          ? -1n
          : options.fromPosition === 'end'
            ? this.nextPosition
            : options.fromPosition.commit,
      filter: options.filter,
    };
    Object.assign(readable, { unsubscribe: async () => void this.live.delete(subscription) });
    if (!this.available) {
      process.nextTick(() => readable.destroy(new UnavailableError()));
      return readable;
    }
    for (const event of this.log) this.deliver(subscription, event);
    this.live.add(subscription);
    // The client emits it as the server's message arrives, after the events before it (never synchronously).
    process.nextTick(() => readable.emit('caughtUp'));
    return readable;
  }

  async dispose(): Promise<void> {
    this.goDown();
  }

  private record(streamName: string, proposed: EventData): AllStreamRecordedEvent {
    const stream = this.streams.get(streamName) ?? [];
    this.streams.set(streamName, stream);
    const data = proposed as JSONEventData;
    const commit = this.nextPosition;
    this.nextPosition += 100n + BigInt(stream.length % 7);
    const recorded = {
      streamId: streamName,
      id: data.id.toLowerCase(),
      isJson: true,
      revision: BigInt(stream.length),
      type: data.type,
      created: new Date(),
      data: JSON.parse(JSON.stringify(data.data)),
      metadata: data.metadata === undefined ? undefined : JSON.parse(JSON.stringify(data.metadata)),
      position: { commit, prepare: commit },
    } as AllStreamRecordedEvent;
    stream.push(recorded);
    this.log.push(recorded);
    for (const subscription of this.live) this.deliver(subscription, recorded);
    return recorded;
  }

  private deliver(subscription: { readable: Readable; from: bigint; filter?: Filter }, event: AllStreamRecordedEvent): void {
    if (event.position.commit <= subscription.from || !passes(subscription.filter, event)) return;
    this.allEventsSent++;
    subscription.readable.push({ event, commitPosition: event.position.commit });
  }

  private ensureAvailable(): void {
    if (!this.available) throw new UnavailableError();
  }

  private readable(events: Iterable<unknown>): Readable {
    return Object.assign(Readable.from(events), { cancel: async () => undefined });
  }
}

function passes(filter: Filter | undefined, event: AllStreamRecordedEvent): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === 'eventType' ? event.type : event.streamId;
  if ('prefixes' in filter) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
  return new RegExp(filter.regex).test(subject);
}
