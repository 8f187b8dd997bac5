/**
 * The event store port. Every adapter (PostgreSQL, PGlite, EventStoreDB) passes the same contract
 * suite (`libs/event-store/test/event-store.contract.ts`).
 */

export type ActorKind = 'account' | 'staff' | 'service' | 'system';

export interface Actor {
  readonly kind: ActorKind;
  readonly id: string;
}

/** What the writer supplies about an event. `occurredAt` is an ISO 8601 UTC instant. */
export interface EventMetadata {
  readonly accountId?: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly occurredAt: string;
  /**
   * Set by the personal-data seam, as stored only (reads through the seam leave it out): the event's
   * personal values sealed together, `sealed:v2:<keyId>:<iv>:<ciphertext+tag>`.
   */
  readonly sealed?: string;
}

/** What the store adds to the metadata: the per-stream hash chain. */
export interface ChainedMetadata extends EventMetadata {
  /** Hash of the previous event of the same stream; null for revision 0. */
  readonly prevHash: string | null;
  /** SHA-256 (hex) over the canonical encoding of this event, including `prevHash`. */
  readonly hash: string;
}

/** A field of the stored metadata. */
export type MetadataField = keyof ChainedMetadata;

/**
 * Every field the stored metadata has: what a reader that names the fields it reads
 * (`ReadAllOptions.metadataFields`) may leave out. A field added to `ChainedMetadata` and not here fails
 * to compile (below), so that it is never left out of a read by mistake of omission.
 */
export const METADATA_FIELDS = [
  'accountId',
  'actor',
  'correlationId',
  'causationId',
  'ip',
  'userAgent',
  'occurredAt',
  'sealed',
  'prevHash',
  'hash',
] as const satisfies readonly MetadataField[];

const everyMetadataFieldListed: Exclude<MetadataField, (typeof METADATA_FIELDS)[number]> extends never ? true : never = true;
void everyMetadataFieldListed;

export type EventData = Readonly<Record<string, unknown>>;

export interface NewEvent<Type extends string = string, Data extends EventData = EventData> {
  /** A UUID chosen by the writer: appending the same id at the same place again is a no-op. */
  readonly id: string;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data extends EventData = EventData> {
  readonly id: string;
  readonly stream: string;
  /** 0-based position of the event in its stream. */
  readonly revision: number;
  /** Position in the global log; increases with commit order. It is a bigint: JSON carries it as a decimal string. */
  readonly position: bigint;
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
  readonly metadata: ChainedMetadata;
}

/**
 * - `no_stream`: the stream must not exist.
 * - `stream_exists`: the stream must hold at least one event.
 * - `any`: no check (idempotency by event id is best effort only).
 * - a number: the revision of the stream's last event must equal it.
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event written (or found, for an idempotent retry). */
  readonly nextExpectedRevision: number;
  /** Global position of the last event written (or found). */
  readonly position: bigint;
}

/** One stream's part of `appendToStreams`: an exact expected revision (or `no_stream`), at least one event. */
export interface StreamAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: number | 'no_stream';
}

/** One stream's part of `readStreams`: its events from `fromRevision` (inclusive) on, forwards. */
export interface StreamRead {
  readonly stream: string;
  readonly fromRevision: number;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
  /** Skip upcasting and return events as stored (hash verification). */
  readonly raw?: boolean;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Undefined means from the beginning. */
  readonly after?: bigint;
  readonly maxCount?: number;
  /** Only events whose type starts with one of these prefixes. */
  readonly typePrefixes?: readonly string[];
  /**
   * The reader reads no event's `data`: a store may deliver it empty (`{}`, and then not upcast, at
   * its stored `schemaVersion`), so that it neither writes it out nor sends it (PostgreSQL does;
   * EventStoreDB delivers it). For readers of the envelope and the metadata alone (the audit trail).
   */
  readonly omitData?: boolean;
  /**
   * The only metadata fields the reader reads: a store may leave the others out of the events it
   * delivers (the PostgreSQL dialect does, on a server and on PGlite; EventStoreDB delivers them all),
   * so the events may lack fields their type promises (`hash`, `actor`). Those named come as stored (or,
   * through the personal-data seam, opened). Undefined: all of them. The audit trail reads two.
   */
  readonly metadataFields?: readonly MetadataField[];
}

/**
 * What `typePrefixes` means in every adapter: undefined matches every event type, an empty list none,
 * otherwise a type matches when it starts with one of the prefixes.
 */
export function typeMatchesPrefixes(type: string, typePrefixes: readonly string[] | undefined): boolean {
  return !typePrefixes || typePrefixes.some((prefix) => type.startsWith(prefix));
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: the position of the last event already handled, or undefined for the start. */
  readonly after?: bigint;
  readonly typePrefixes?: readonly string[];
  /**
   * Top-level fields of `data` the handler never reads: a store may leave them out of the events it
   * delivers (PostgreSQL does; EventStoreDB delivers them). For followers of bulky events that need a
   * small part of them: a usage event's `records` are most of its size, read by the spending cap for
   * the `totals` beside them.
   */
  readonly omitDataFields?: readonly string[];
}

/**
 * Called once per event, in commit order. The subscription waits for the returned promise before the
 * next event, so a handler that stores a checkpoint with its work is exactly once.
 */
export type EventHandler = (event: RecordedEvent) => Promise<void>;

export interface Subscription {
  /** Stops delivering; resolves once the handler in flight (if any) has settled. */
  stop(): Promise<void>;
  /** Resolves when the subscription fails for good (after its own retries), for health reporting. */
  readonly failed: Promise<Error>;
  /**
   * Every event at or below this position that matches the filter has been handled: the last handled
   * event, or further where the subscription knows the log is final and holds nothing it matches. Where
   * a count of what is still pending can start reading (health, metrics), instead of the stored
   * checkpoint of a filter that rarely matches, which can lie far behind the head. Optional.
   */
  caughtUpTo?(): bigint;
}

export interface EventStore {
  readonly name: string;
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /**
   * Appends to several streams as one atomic write: every stream is at its expected revision and all
   * the events are written, or nothing is (`WrongExpectedRevisionError` names a stream that was not).
   * Results in the order of `appends`; a retry with the same ids at the same places gets the original
   * results. For writers whose one decision spans many streams (usage: one ledger per account), so it
   * costs one round trip instead of one per stream. Adapters without multi-stream atomicity omit it.
   */
  appendToStreams?(appends: readonly StreamAppend[]): Promise<AppendResult[]>;
  /** Missing stream: an empty list. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several forward reads in one round trip: one list per read, in the order of `reads` (a missing
   * stream: an empty list), as stored when `raw`. Adapters that cannot batch reads may omit it.
   */
  readStreams?(reads: readonly StreamRead[], options?: { readonly raw?: boolean }): Promise<RecordedEvent[][]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The events at these global positions, in position order (positions not found are left out), as
   * stored when `raw`. For readers that keep an index of positions (the audit trail). Adapters without
   * a cheap lookup by position may omit it; `readEventsAt` then reads the streams instead.
   */
  readPositions?(positions: readonly bigint[], options?: { readonly raw?: boolean }): Promise<RecordedEvent[]>;
  /** Position up to which the global log is final and readable (0n for an empty store). */
  headPosition(): Promise<bigint>;
  /**
   * Position of the last committed event, which readers may not see yet where a lower position can
   * still commit (PostgreSQL). Waiting for `headPosition()` to reach it is a read-after-write check.
   * Adapters whose log is final at once may omit it (`headPosition` then serves).
   */
  lastCommittedPosition?(): Promise<bigint>;
  /** Catch up from the checkpoint, then follow live, never skipping an event that commits late. */
  subscribeToAll(options: SubscribeOptions, handler: EventHandler): Subscription;
  close(): Promise<void>;
}
