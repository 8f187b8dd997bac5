/**
 * Pure translation between the event store port and @eventstore/db-client 6.2.1: revisions, positions,
 * the stored form of an event, filters and errors. No I/O here, so all of it is tested without a server.
 */
import {
  ANY,
  END,
  ErrorType,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type EventData as EsdbEventData,
  type Filter,
  type JSONType,
  type Position,
  type ReadPosition,
  type ReadRevision,
  type RecordedEvent as EsdbRecordedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  ChainedMetadata,
  Direction,
  DuplicateEventIdError,
  EventData,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
  WrongExpectedRevisionError,
  chainMetadata,
  typeMatchesPrefixes,
} from '@app/event-store';

// ---------------------------------------------------------------------------------------------------
// Revisions

/** Our revisions are JS numbers; the client's are bigint. 2^53 events in one stream will not happen. */
export function revisionToEsdb(revision: number): bigint {
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError(`not a stream revision: ${revision}`);
  return BigInt(revision);
}

export function revisionFromEsdb(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`stream revision out of range: ${revision}`);
  }
  return Number(revision);
}

/** Every mode of the port has its own server-side meaning in EventStoreDB; none is approximated. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return revisionToEsdb(expected);
  }
}

/** Where a stream read starts: inclusive revision, or the start/end depending on the direction. */
export function toReadRevision(direction: Direction, fromRevision: number | undefined): ReadRevision {
  if (fromRevision === undefined) return direction === 'backwards' ? END : START;
  return revisionToEsdb(fromRevision);
}

// ---------------------------------------------------------------------------------------------------
// Positions

/** What servers older than 22.6 put in the position fields of events read from a stream. */
export const UNKNOWN_POSITION = 2n ** 64n - 1n;

/** The log starts with the server's own records: no event of ours sits at 0, so 0 means "not reported". */
function isKnownPosition(commit: bigint | undefined): commit is bigint {
  return commit !== undefined && commit > 0n && commit < UNKNOWN_POSITION;
}

/**
 * The `$all` commit position as our bigint position, or undefined when the server did not report one.
 * Events appended through gRPC (no explicit transactions) have commit == prepare, so the commit position
 * alone identifies an event, and `toReadPosition` can rebuild the pair from it.
 */
export function positionFromEsdb(position: Position | undefined): bigint | undefined {
  return isKnownPosition(position?.commit) ? position!.commit : undefined;
}

/** The client's read position for "after this checkpoint"; 0n and undefined mean the start of the log. */
export function toReadPosition(after: bigint | undefined): ReadPosition {
  if (after === undefined || after === 0n) return START;
  if (after < 0n) throw new RangeError(`not a log position: ${after}`);
  return { commit: after, prepare: after };
}

/** The `$all` position of a resolved event, from a stream read or a `$all` read/subscription. */
export function positionOfResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): bigint {
  const commit = resolved.commitPosition;
  const position = positionFromEsdb(resolved.event?.position) ?? (isKnownPosition(commit) ? commit : undefined);
  if (position === undefined) {
    throw new Error(
      `event ${resolved.event?.id ?? '?'} came without its $all position ` +
        '(EventStoreDB reports it on stream reads from version 22.6 on; this adapter needs a newer server)',
    );
  }
  return position;
}

// ---------------------------------------------------------------------------------------------------
// Events

/** The metadata as stored in EventStoreDB: the chained metadata plus the schema version of `data`. */
export interface StoredMetadata extends ChainedMetadata {
  readonly schemaVersion: number;
}

export interface SerialisedEvent {
  readonly id: string;
  readonly revision: number;
  readonly hash: string;
  readonly eventData: EsdbEventData;
}

/**
 * The events of one append as the client sends them: JSON data, and metadata carrying the hash chain
 * (linked from `prevHash`, the hash of the event at `firstRevision - 1`) and the schema version.
 * Ids are lower-cased, as the server returns them, so hashes verify on read.
 */
export function serialiseEvents(
  stream: string,
  events: readonly NewEvent[],
  firstRevision: number,
  prevHash: string | null,
): SerialisedEvent[] {
  const serialised: SerialisedEvent[] = [];
  let previous = prevHash;
  events.forEach((event, index) => {
    const id = event.id.toLowerCase();
    const revision = firstRevision + index;
    const chained = chainMetadata(
      { id, stream, revision, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata },
      previous,
    );
    const metadata: StoredMetadata = { ...chained, schemaVersion: event.schemaVersion };
    serialised.push({
      id,
      revision,
      hash: chained.hash,
      eventData: jsonEvent({ id, type: event.type, data: event.data as JSONType, metadata: metadata as unknown as JSONType }),
    });
    previous = chained.hash;
  });
  return serialised;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The server takes only UUIDs as event ids; one id twice in a batch is refused as the PostgreSQL adapter does. */
export function checkBatch(stream: string, events: readonly NewEvent[]): void {
  const seen = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id)) throw new TypeError(`event id must be a UUID: ${event.id}`);
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new DuplicateEventIdError(stream, id);
    seen.add(id);
  }
}

export class UnreadableEventError extends Error {
  readonly code = 'unreadable_event' as const;

  constructor(
    readonly stream: string,
    readonly eventId: string,
    reason: string,
  ) {
    super(`event ${eventId} in stream ${stream} was not written by this store: ${reason}`);
  }
}

/** The recorded event as the port defines it (stored form: upcasting is applied by the caller). */
export function deserialiseEvent(recorded: EsdbRecordedEvent, position: bigint): RecordedEvent {
  const unreadable = (reason: string) => new UnreadableEventError(recorded.streamId, recorded.id, reason);
  if (!recorded.isJson) throw unreadable('its content type is not JSON');
  const data = recorded.data;
  if (!isPlainObject(data)) throw unreadable('its data is not a JSON object');
  const metadata = recorded.metadata;
  if (!isPlainObject(metadata)) throw unreadable('its metadata is not a JSON object');
  const { schemaVersion, ...chained } = metadata as Record<string, unknown>;
  if (typeof schemaVersion !== 'number' || !Number.isInteger(schemaVersion)) throw unreadable('no schemaVersion in metadata');
  if (typeof chained.hash !== 'string') throw unreadable('no hash in metadata');
  if (chained.prevHash !== null && typeof chained.prevHash !== 'string') throw unreadable('no prevHash in metadata');
  return {
    id: recorded.id,
    stream: recorded.streamId,
    revision: revisionFromEsdb(recorded.revision),
    position,
    type: recorded.type,
    schemaVersion,
    data: data as EventData,
    metadata: chained as unknown as ChainedMetadata,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

// ---------------------------------------------------------------------------------------------------
// Filters

/** `$all` holds the server's own events (`$metadata`, `$statsCollected`, links `$>`...): never ours. */
export function isSystemEventType(type: string): boolean {
  return type.startsWith('$');
}

/** `typeMatchesPrefixes`, never for the server's own events. */
export function matchesTypePrefixes(type: string, typePrefixes: readonly string[] | undefined): boolean {
  return !isSystemEventType(type) && typeMatchesPrefixes(type, typePrefixes);
}

/**
 * The server-side filter of a `$all` subscription, with the meaning of `matchesTypePrefixes`. Without
 * prefixes: the client's `excludeSystemEvents`. With prefixes that cannot match a system type (none
 * empty, none starting with `$`): an event-type prefix filter, which excludes system events by
 * construction. Otherwise (including an empty list) a regex that does both.
 */
export function subscriptionFilter(typePrefixes: readonly string[] | undefined): Filter {
  if (!typePrefixes) return excludeSystemEvents();
  if (typePrefixes.length > 0 && typePrefixes.every((prefix) => prefix !== '' && !isSystemEventType(prefix))) {
    return eventTypeFilter({ prefixes: [...typePrefixes] });
  }
  const alternatives = typePrefixes.length > 0 ? typePrefixes.map(escapeRegex).join('|') : '(?!)';
  return eventTypeFilter({ regex: `^(?!\\$)(?:${alternatives})` });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\#\s]/g, (char) => `\\${char}`);
}

// ---------------------------------------------------------------------------------------------------
// Errors

export function isWrongExpectedVersion(error: unknown): error is WrongExpectedVersionError {
  return error instanceof WrongExpectedVersionError || errorType(error) === ErrorType.WRONG_EXPECTED_VERSION;
}

export function isStreamNotFound(error: unknown): boolean {
  return errorType(error) === ErrorType.STREAM_NOT_FOUND;
}

/** The client's WrongExpectedVersionError as the port's error; any other error unchanged. */
export function translateAppendError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  if (!isWrongExpectedVersion(error)) return error;
  const actual = error.actualVersion;
  return new WrongExpectedRevisionError(stream, expected, actual === NO_STREAM || actual < 0n ? -1 : revisionFromEsdb(actual));
}

function errorType(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
}
