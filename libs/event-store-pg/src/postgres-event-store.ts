import { randomUUID } from 'node:crypto';
import { migrate, SqlDatabase, SqlExecutor } from '@app/database';
import {
  AppendResult,
  ChainedMetadata,
  DuplicateEventIdError,
  EventData,
  EventHandler,
  EventStore,
  canonicalJson,
  canonicalMetadata,
  chainedHashes,
  EncodedEvent,
  isPlainJson,
  MetadataField,
  METADATA_FIELDS,
  plainJsonOrder,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StreamRead,
  SubscribeOptions,
  Subscription,
  UpcasterRegistry,
  WrongExpectedRevisionError,
} from '@app/event-store';
import { APPENDED_CHANNEL, EVENTS_TABLE, eventStoreMigrations } from './event-store.migrations';
import { AppendedType, defaultSubscriptionSettings, LogBatch, LogSubscription, SubscriptionSettings } from './log-subscription';

export interface PostgresEventStoreOptions {
  readonly upcasters?: UpcasterRegistry;
  readonly subscriptions?: Partial<SubscriptionSettings>;
}

interface EventRow {
  position: bigint;
  id: string;
  stream: string;
  revision: number;
  type: string;
  schema_version: number;
  data: EventData;
  metadata: ChainedMetadata;
}

interface StreamHead {
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly position: bigint;
  readonly hash: string | null;
}

/**
 * The log's columns, `data` without the fields a subscriber leaves out ($4, `omitDataFields`), or empty
 * for a reader of none ($5, `omitData`), and `metadata` without the fields a reader does not read ($6,
 * from `metadataFields`): the server then neither writes them out as text nor sends them, and the
 * reader does not parse them. The audit trail's rebuild reads no data: 200,000 events read in 0.38 s of
 * server and 0.77 s of client CPU instead of 0.46 and 0.95 (load 1.5-1.8); and two of the metadata's
 * fields: 0.33-0.42 s and 0.72-0.82 s instead of 0.59-0.66 and 1.3-1.6 (the reads alone, load 2.5).
 * Subtracting the fields left out (`metadata - $6`) cost the server less than building an object of
 * those read (`jsonb_build_object`: 0.42-0.6 s).
 */
const LOG_EVENT_COLUMNS = `position, id, stream, revision, type, schema_version,
  CASE WHEN $5::boolean THEN '{}'::jsonb WHEN $4::text[] IS NULL THEN data ELSE data - $4::text[] END AS data,
  CASE WHEN $6::text[] IS NULL THEN metadata ELSE metadata - $6::text[] END AS metadata`;

/** The metadata fields a reader of `metadataFields` leaves out (null: none). */
function omittedMetadataFields(metadataFields: readonly MetadataField[] | undefined): readonly string[] | null {
  return metadataFields ? METADATA_FIELDS.filter((field) => !metadataFields.includes(field)) : null;
}
/**
 * The columns of an event with the JSON as text, parsed in JavaScript: on PGlite that is about a third faster than its
 * own jsonb decoding for thousands of rows (whole streams, the audit trail's reads); `pg` parses text anyway.
 */
const TEXT_EVENT_COLUMNS = 'position, id, stream, revision, type, schema_version, data::text AS data, metadata::text AS metadata';

type TextEventRow = Omit<EventRow, 'data' | 'metadata'> & { data: string; metadata: string };

const parsed = (row: TextEventRow): EventRow => ({
  ...row,
  data: JSON.parse(row.data) as EventData,
  metadata: JSON.parse(row.metadata) as ChainedMetadata,
});
const ID_CONSTRAINT = 'event_store_events_id_key';
const UNIQUE_VIOLATION = '23505';
/** Only `any` and `stream_exists` retry a lost race at the new head; other modes settle on the next read. */
const MAX_APPEND_ATTEMPTS = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NO_HEAD: StreamHead = Object.freeze({ revision: -1, position: 0n, hash: null });

const HEAD_SQL = `
  SELECT revision, position, metadata->>'hash' AS hash FROM ${EVENTS_TABLE}
  WHERE stream = $1 ORDER BY revision DESC LIMIT 1`;

/**
 * The positions come from the allocation function, evaluated once before any row is written, and only
 * when the stream's head is the one the events were chained to: revision $3 - 1 holding hash $8 (the
 * unique (stream, revision) constraint refuses anything already at $3 and after). Otherwise nothing is
 * written and the position is null: the caller then reads the head and tries again. That check is what
 * lets an append trust a cached head and skip the read (one round trip instead of two).
 */
const INSERT_SQL = `
  WITH allocation AS MATERIALIZED (
    SELECT event_store_allocate_positions(cardinality($2::uuid[])) AS last_position
    WHERE $3::integer = 0 OR EXISTS (
      SELECT 1 FROM ${EVENTS_TABLE} WHERE stream = $1 AND revision = $3::integer - 1 AND metadata->>'hash' = $8::text)
  ), inserted AS (
    INSERT INTO ${EVENTS_TABLE} (position, id, stream, revision, type, schema_version, data, metadata)
    SELECT allocation.last_position - cardinality($2::uuid[]) + e.ordinal, e.id, $1, $3::integer + e.ordinal - 1,
           e.type, e.schema_version, e.data, e.metadata
    FROM allocation,
         ROWS FROM (unnest($2::uuid[]), unnest($4::text[]), unnest($5::integer[]),
                    jsonb_array_elements($6::jsonb), jsonb_array_elements($7::jsonb))
           WITH ORDINALITY AS e(id, type, schema_version, data, metadata, ordinal)
    RETURNING position
  )
  SELECT max(position) AS position FROM inserted`;

/**
 * `INSERT_SQL` for one event, the commonest append (a command's decision is mostly one event): the row
 * from scalar parameters, the head check as the one-time filter of the single-row SELECT, evaluated
 * before its target list (so before the allocation), and no CTE, ROWS FROM or aggregate for the
 * executor to set up at every execution: 98.7 against 81.8 µs of server CPU per append on one connection
 * (synchronous_commit off), 156-168 against 130-141 with 16 writers (2 cores, load 2-4), and no
 * one-element arrays for the driver to serialise. No row back: the head moved, nothing written.
 */
const INSERT_ONE_SQL = `
  INSERT INTO ${EVENTS_TABLE} (position, id, stream, revision, type, schema_version, data, metadata)
  SELECT event_store_allocate_positions(1), $2::uuid, $1, $3::integer, $4, $5::integer, $6::jsonb, $7::jsonb
  WHERE $3::integer = 0 OR EXISTS (
    SELECT 1 FROM ${EVENTS_TABLE} WHERE stream = $1 AND revision = $3::integer - 1 AND metadata->>'hash' = $8::text)
  RETURNING position`;

/**
 * Several appends of this process, each with its own head check, as one statement and so one
 * transaction, one commit and one WAL flush (see `AppendGroups`). Unlike `INSERT_MANY_SQL`, each
 * append is on its own: one whose head is not the one its events were chained to writes nothing and
 * gets no row back (its caller then reads the head, as after `INSERT_ONE_SQL`), the others are
 * written. Positions are allocated once, only for the appends that passed their check, contiguous in
 * the group's order. Per append ($1..$5): stream, first revision, head hash, event count, ordinal of
 * its first event; per event ($6..$11): its append's ordinal, id, type, schema version, data, metadata.
 * The rows go in ordered by stream name, as in `INSERT_MANY_SQL` (no deadlock between two processes'
 * groups). A group names each stream once, so two of its appends never race for one revision. The head
 * check is a scalar subquery, one index look-up per append: as EXISTS the planner made it a hashed
 * subplan over a sequential scan of the whole log (server CPU per event 130 -> 210 µs at 16 writers).
 */
const INSERT_GROUP_SQL = `
  WITH appends AS MATERIALIZED (
    SELECT a.ordinal, a.stream, a.first_revision, a.event_count, a.first_event,
           sum(a.event_count) OVER (ORDER BY a.ordinal) AS events_through
    FROM unnest($1::text[], $2::integer[], $3::text[], $4::integer[], $5::integer[])
      WITH ORDINALITY AS a(stream, first_revision, head_hash, event_count, first_event, ordinal)
    WHERE a.first_revision = 0 OR a.head_hash = (
      SELECT metadata->>'hash' FROM ${EVENTS_TABLE} WHERE stream = a.stream AND revision = a.first_revision - 1)
  ), allocation AS MATERIALIZED (
    SELECT event_store_allocate_positions(sum(event_count)::integer) - sum(event_count) AS before_first
    FROM appends HAVING count(*) > 0
  ), inserted AS (
    INSERT INTO ${EVENTS_TABLE} (position, id, stream, revision, type, schema_version, data, metadata)
    SELECT allocation.before_first + a.events_through - a.event_count + e.ordinal - a.first_event + 1, e.id, a.stream,
           a.first_revision + e.ordinal - a.first_event, e.type, e.schema_version, e.data, e.metadata
    FROM allocation, appends a JOIN ROWS FROM (unnest($6::integer[]), unnest($7::uuid[]), unnest($8::text[]), unnest($9::integer[]),
                                                jsonb_array_elements($10::jsonb), jsonb_array_elements($11::jsonb))
      WITH ORDINALITY AS e(append_ordinal, id, type, schema_version, data, metadata, ordinal) ON e.append_ordinal = a.ordinal
    ORDER BY a.stream, e.ordinal
  )
  SELECT a.ordinal, allocation.before_first + a.events_through AS position FROM allocation, appends a`;

/**
 * The append's statements are parsed and planned once per connection: planning the insert with its
 * CTEs cost more server CPU than running it. One connection, one event per insert, synchronous_commit
 * off so that only the statement counts: 330-450 µs of server CPU per insert unprepared, 100-130
 * prepared (2 cores at load 23).
 */
const PREPARED = { prepare: true } as const;

/** Stream heads this store wrote or read last, for appends that expect exactly them. */
const HEAD_CACHE_ENTRIES = 10_000;

/** The poll's query, for every store with subscriptions, several times a second. */
const LAST_COMMITTED_SQL = `SELECT max(position) AS position FROM ${EVENTS_TABLE}`;

const NOTIFY_SQL = `SELECT pg_notify('${APPENDED_CHANNEL}', $1)`;

/**
 * A notification's payload: the event types appended, so that a subscriber whose filter matches none
 * of them stays asleep, and the sending store, which woke its own subscriptions already and ignores
 * its own notification (in the same process, PGlite's above all, it woke every subscription a second
 * time). Past PostgreSQL's 8,000-byte payload limit it says nothing, and every subscriber reads.
 */
interface AppendedPayload {
  readonly from?: string;
  readonly types?: readonly string[];
}

const MAX_PAYLOAD_BYTES = 7_900;

function eventTypes(events: readonly { readonly type: string }[]): string[] {
  return [...new Set(events.map((event) => event.type))];
}

function appendedPayload(payload: AppendedPayload): string {
  const text = JSON.stringify(payload);
  return Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES ? text : '';
}

function parseAppendedPayload(text: string): AppendedPayload {
  if (text === '') return {};
  try {
    const parsed = JSON.parse(text) as AppendedPayload;
    return {
      from: typeof parsed.from === 'string' ? parsed.from : undefined,
      types: Array.isArray(parsed.types) ? parsed.types : undefined,
    };
  } catch {
    return {};
  }
}

/** Rows above the ended prefix a read's horizon looks at; past it, the rest waits for the next read. */
const HORIZON_SCAN_ROWS = 10_000;

/**
 * The safe head: the highest position below which nothing can still commit. Two steps:
 *
 * 1. The ended prefix: the highest position whose transaction is below the oldest transaction still
 *    running (`pg_snapshot_xmin`). Every appender with a lower position has a lower transaction id
 *    (see the allocation function), so it has ended. Only positions past the reader's cursor are looked
 *    at (the cursor is final already): while a transaction older than the newest rows stays open
 *    anywhere on the server (a pg_dump, a long report), no row near the head is below the xmin, and the
 *    unbounded scan walked the whole log back at every read (50,000 rows: 220,064 rows touched).
 * 2. Past it (or past the reader's cursor, `from`), the visible rows in position order, up to the first
 *    hole that a running transaction may still fill. A hole's owner is an appender whose id lies
 *    between those of the rows around it, so a hole with no running transaction in that interval was
 *    rolled back. Without this step, any write transaction anywhere in the cluster (another database,
 *    a job, a projection batch) held back every event appended after it started: 1.5 s stalls of the
 *    revocation bench on the shared test server, each served at the next 300 ms poll.
 */
const horizonSql = (from: string, scanRows: number | null): string => `
  WITH snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
  ended AS MATERIALIZED (
    SELECT COALESCE((
      SELECT position FROM ${EVENTS_TABLE}, snapshot
      WHERE transaction_id < pg_snapshot_xmin(snapshot.s) AND position > ${from}::bigint
      ORDER BY position DESC LIMIT 1), 0) AS position),
  start AS MATERIALIZED (
    SELECT position, transaction_id FROM (
      (SELECT position, transaction_id FROM ${EVENTS_TABLE}
       WHERE position <= GREATEST((SELECT position FROM ended), ${from}::bigint)
       ORDER BY position DESC LIMIT 1)
      UNION ALL SELECT 0, '0'::xid8) AS candidates
    ORDER BY position DESC LIMIT 1),
  run AS MATERIALIZED (
    SELECT position, transaction_id,
           lag(position) OVER (ORDER BY position) AS previous_position,
           lag(transaction_id) OVER (ORDER BY position) AS previous_transaction_id
    FROM (
      SELECT position, transaction_id FROM start
      UNION ALL
      -- start's position as a scalar, so that it bounds the index scan: joined to start as a table,
      -- the planner walked the log from its first row, filtering (190 ms a read at 200,000 events).
      (SELECT e.position, e.transaction_id FROM ${EVENTS_TABLE} e
       WHERE e.position > (SELECT position FROM start) ORDER BY e.position${scanRows === null ? '' : ` LIMIT ${scanRows}`})) AS visible),
  open_hole AS MATERIALIZED (
    SELECT min(run.position) AS position FROM run, snapshot
    WHERE run.position > run.previous_position + 1
      AND EXISTS (SELECT 1 FROM pg_snapshot_xip(snapshot.s) AS running(id)
                  WHERE running.id > run.previous_transaction_id AND running.id < run.transaction_id))
  SELECT max(run.position) AS safe_head FROM run, open_hole
  WHERE open_hole.position IS NULL OR run.position < open_hole.position`;

/**
 * PGlite is one connection that runs a transaction alone, from its BEGIN to its COMMIT (a query from
 * outside waits for it): a read never overlaps an append, so every visible position is final and the
 * safe head is the last one. The horizon above took 1.5 to 3 ms per read on PGlite, for every
 * subscription's poll and wake: on the embedded default, about a tenth of the one thread while idle.
 */
const SINGLE_CONNECTION_HORIZON_SQL = `SELECT COALESCE(max(position), 0) AS safe_head FROM ${EVENTS_TABLE}`;

interface LogSql {
  readonly safeHead: string;
  readonly readLog: string;
  /** The poll's look at the log after $1: the safe head, and each event type there with its last position. */
  readonly appendedTypes: string;
}

const appendedTypesSql = (horizon: string): string => `
  WITH horizon AS MATERIALIZED (${horizon})
  SELECT horizon.safe_head, t.type, t.position FROM horizon LEFT JOIN LATERAL (
    SELECT type, max(position) AS position FROM ${EVENTS_TABLE} WHERE position > $1 GROUP BY type
  ) t ON true`;

const readLogSql = (horizon: string): string => `
  WITH horizon AS MATERIALIZED (${horizon})
  SELECT horizon.safe_head, e.* FROM horizon LEFT JOIN LATERAL (
    SELECT ${LOG_EVENT_COLUMNS} FROM ${EVENTS_TABLE}
    WHERE position > $1 AND position <= horizon.safe_head
      AND ($3::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS prefix WHERE starts_with(type, prefix)))
    ORDER BY position LIMIT $2
  ) e ON true
  ORDER BY e.position`;

/**
 * PGlite's read of the log: the batch as one JSON document (an array per event, the position as text
 * so that it stays exact past 2^53) in one row. PGlite's protocol reader copies every field of every
 * row into an ArrayBuffer of its own before decoding it: with eight fields per event that copying and
 * the per-field decoding took two thirds of a rebuild's reads (100,000 events read in 3.3 s, 1.45 s as
 * one document, on 2 cores at load 7). On `pg` the rows stay: building the document cost the server
 * more (1.9 s of server CPU per 200,000 events against 1.2) than it saved the driver (nothing).
 */
const documentLogSql = (horizon: string): string => `
  WITH horizon AS MATERIALIZED (${horizon})
  SELECT horizon.safe_head, (
    SELECT json_agg(json_build_array(e.position::text, e.id, e.stream, e.revision, e.type, e.schema_version, e.data, e.metadata)
                    ORDER BY e.position)::text
    FROM (
      SELECT ${LOG_EVENT_COLUMNS} FROM ${EVENTS_TABLE}
      WHERE position > $1 AND position <= horizon.safe_head
        AND ($3::text[] IS NULL OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS prefix WHERE starts_with(type, prefix)))
      ORDER BY position LIMIT $2) e
  ) AS events FROM horizon`;

/** An event of `documentLogSql`'s document: position (text), id, stream, revision, type, schema version, data, metadata. */
type LogDocumentEvent = [string, string, string, number, string, number, EventData, ChainedMetadata];

/**
 * A read of the log looks at HORIZON_SCAN_ROWS rows past its start at most (it reads no more than that);
 * the head itself looks at every row past the ended prefix. Capped too, it stopped 10,000 rows past the
 * prefix while an older transaction stayed open (10,000 for a log of 50,000), and `settle` waited on it
 * until its deadline. Only rows of transactions newer than the oldest one running are past the prefix.
 */
const SERVER_LOG_SQL: LogSql = {
  safeHead: horizonSql('0', null),
  readLog: readLogSql(horizonSql('$1', HORIZON_SCAN_ROWS)),
  appendedTypes: appendedTypesSql(horizonSql('$1', HORIZON_SCAN_ROWS)),
};
const SINGLE_CONNECTION_LOG_SQL: LogSql = {
  safeHead: SINGLE_CONNECTION_HORIZON_SQL,
  readLog: documentLogSql(SINGLE_CONNECTION_HORIZON_SQL),
  appendedTypes: appendedTypesSql(SINGLE_CONNECTION_HORIZON_SQL),
};

/**
 * A stream's read, one text per direction and bound, prepared: a sign-in reads four streams, and each
 * unprepared read was parsed and planned again by the server (63-83 µs of its CPU per read, 20-23
 * prepared, on the shared test server at load 2). With the bound a parameter that may be
 * null (`$2 IS NULL OR revision >= $2`), the plan prepared for any value could not bound the index
 * scan by it: the tail of a long stream would have been read from its first event.
 */
const readStreamSql = (backwards: boolean, bounded: boolean): string => `
  SELECT ${TEXT_EVENT_COLUMNS} FROM ${EVENTS_TABLE}
  WHERE stream = $1${bounded ? ` AND revision ${backwards ? '<=' : '>='} $3::integer` : ''}
  ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $2`;

/** The heads of several streams in one statement (a missing stream: a row of nulls). */
const HEADS_SQL = `
  SELECT s.ordinal, h.revision, h.position, h.hash
  FROM unnest($1::text[]) WITH ORDINALITY AS s(stream, ordinal)
  LEFT JOIN LATERAL (
    SELECT revision, position, metadata->>'hash' AS hash FROM ${EVENTS_TABLE}
    WHERE stream = s.stream ORDER BY revision DESC LIMIT 1) h ON true`;

/**
 * `INSERT_SQL` for several streams as one statement, so one atomic write: the positions are allocated
 * once for all the events, and only when every stream's head is the one its events were chained to
 * (revision first - 1 holding its hash; the unique constraint refuses anything at or after `first`).
 * Otherwise nothing is written and no row comes back. Per stream ($1..$3): name, first revision, head
 * hash; per event ($4..$9): id, its stream's ordinal (1-based), type, schema version, data, metadata.
 *
 * The rows go in ordered by stream name (their positions stay in the caller's order): two appends to the
 * same two streams in opposite orders each inserted its first stream's rows, then waited on the other's
 * uncommitted revision of its second one, a deadlock (40P01) that PostgreSQL ends after a second by
 * failing one of them. Two store instances racing 300 such pairs: 9 deadlocks before, none after.
 */
const INSERT_MANY_SQL = `
  WITH streams AS MATERIALIZED (
    SELECT s.stream, s.first_revision, s.head_hash, s.ordinal
    FROM unnest($1::text[], $2::integer[], $3::text[]) WITH ORDINALITY AS s(stream, first_revision, head_hash, ordinal)
  ), allocation AS MATERIALIZED (
    SELECT event_store_allocate_positions(cardinality($4::uuid[])) AS last_position
    WHERE NOT EXISTS (
      SELECT 1 FROM streams s WHERE s.first_revision > 0 AND NOT EXISTS (
        SELECT 1 FROM ${EVENTS_TABLE} WHERE stream = s.stream AND revision = s.first_revision - 1 AND metadata->>'hash' = s.head_hash))
  ), numbered AS (
    SELECT e.*, row_number() OVER (PARTITION BY e.stream_ordinal ORDER BY e.ordinal) - 1 AS offset_in_stream
    FROM ROWS FROM (unnest($4::uuid[]), unnest($5::integer[]), unnest($6::text[]), unnest($7::integer[]),
                    jsonb_array_elements($8::jsonb), jsonb_array_elements($9::jsonb))
      WITH ORDINALITY AS e(id, stream_ordinal, type, schema_version, data, metadata, ordinal)
  ), inserted AS (
    INSERT INTO ${EVENTS_TABLE} (position, id, stream, revision, type, schema_version, data, metadata)
    SELECT allocation.last_position - cardinality($4::uuid[]) + e.ordinal, e.id, s.stream,
           s.first_revision + e.offset_in_stream, e.type, e.schema_version, e.data, e.metadata
    FROM allocation, numbered e JOIN streams s ON s.ordinal = e.stream_ordinal
    ORDER BY s.stream, e.ordinal
    RETURNING stream, position
  )
  SELECT stream, max(position) AS position FROM inserted GROUP BY stream`;

/** Forward reads of several streams in one statement, ordered by read, then revision. */
const READ_STREAMS_SQL = `
  SELECT r.ordinal AS read_ordinal, e.* FROM unnest($1::text[], $2::integer[]) WITH ORDINALITY AS r(stream, from_revision, ordinal)
  JOIN LATERAL (
    SELECT ${TEXT_EVENT_COLUMNS} FROM ${EVENTS_TABLE}
    WHERE stream = r.stream AND revision >= r.from_revision ORDER BY revision) e ON true
  ORDER BY r.ordinal, e.revision`;

function isUniqueViolation(error: unknown): error is { code: string; constraint?: string } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

/**
 * An event as it will be stored and read back (the hash is computed over that form): its data and its
 * metadata (without the chain links) in their canonical encodings, what the hash covers, made when the
 * event is handed over (the hash itself waits for the stream's head). Those texts are also what is
 * stored: canonical JSON is JSON of the same values, and jsonb keeps no key order, so the column holds
 * what the writer's own JSON would have given. The event was serialised twice (its JSON to store, its
 * encoding to hash), and an append kept four texts per event while it waited in a group, which the
 * collector copied at every scavenge: with its metadata's text made only for the statement (below),
 * 100-event appends against a stand-in server (16 writers, medians of 8 interleaved rounds, load
 * 3.5-4.2) took 24.3 µs of client CPU per event instead of 29.0, of it 4.6 instead of 10.1 in GC pauses.
 */
interface StoredEvent extends EncodedEvent {
  readonly encodedData: string;
}

function storedForm(event: NewEvent): StoredEvent {
  const id = event.id.toLowerCase();
  if (!UUID.test(id)) throw new TypeError(`event id must be a UUID: ${event.id}`);
  // Plain JSON reads back as itself: encoded as given, without a JSON round trip (about 1.1 µs for an
  // API key event's metadata); plain JSON in key order at every depth is its own canonical encoding,
  // which JSON.stringify writes natively. Anything else is encoded as it reads back from its JSON.
  const order = plainJsonOrder(event.data);
  const encodedData =
    order === 'sorted'
      ? JSON.stringify(event.data)
      : canonicalJson(order === 'unsorted' ? event.data : (JSON.parse(JSON.stringify(event.data)) as EventData));
  const metadata = isPlainJson(event.metadata) ? event.metadata : (JSON.parse(JSON.stringify(event.metadata)) as NewEvent['metadata']);
  return { id, type: event.type, schemaVersion: event.schemaVersion, encodedData, encodedMetadata: canonicalMetadata(metadata) };
}

/** An append's events with their hashes (`chainedHashes` from `head`), to be written after `head`. */
interface ChainedInsert {
  readonly stream: string;
  readonly head: StreamHead;
  readonly events: readonly StoredEvent[];
  readonly hashes: readonly string[];
}

/**
 * The stored metadata of an insert's event, as JSON: its encoding (which leaves out any links of the
 * writer's own) with the chain links `prevHash` and `hash` written after it. Made for the statement,
 * not kept from the hashing on: fewer and younger strings for the collector while the append waits.
 */
function storedMetadataJson({ head, events, hashes }: ChainedInsert, index: number): string {
  // The hashes made here are hex, quoted as they are: JSON.stringify was a fifth of this (0.25 µs).
  const prevHash = index > 0 ? `"${hashes[index - 1]}"` : head.hash === null ? 'null' : JSON.stringify(head.hash);
  const links = `"prevHash":${prevHash},"hash":"${hashes[index]}"}`;
  const encoded = events[index].encodedMetadata;
  return encoded === '{}' ? `{${links}` : `${encoded.slice(0, -1)},${links}`;
}

/**
 * A JSON array of texts that are JSON already, as one flat string: `[${texts.join(',')}]` is a string
 * the driver flattens into a second copy (hundreds of KB for a group of 100-event appends, in pages
 * the kernel zeroes first).
 */
function jsonArray(texts: string[]): string {
  if (texts.length === 0) return '[]';
  texts[0] = `[${texts[0]}`;
  texts[texts.length - 1] = `${texts[texts.length - 1]}]`;
  return texts.join(',');
}

/**
 * Array literals for the per-event parameters, written here rather than by the driver from arrays:
 * `pg` quotes and escapes every element (two regular expressions each) and concatenates one at a time.
 * Ids are UUIDs checked in lower case (nothing to quote), integers need no quotes, and a text's quoted
 * form is kept (event types are few). With `jsonArray`, 100-event appends against a stand-in server
 * (16 writers, medians of 8 interleaved rounds, load 3.5-4.2): 24.3 -> 20.3 µs of client CPU per event.
 */
const uuidArray = (ids: readonly string[]): string => `{${ids.join(',')}}`;
const integerArray = (values: readonly number[]): string => `{${values.join(',')}}`;

const quotedElements = new Map<string, string>();

function quotedElement(text: string): string {
  let quoted = quotedElements.get(text);
  if (quoted === undefined) {
    quoted = `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    if (quotedElements.size < 1_000) quotedElements.set(text, quoted);
  }
  return quoted;
}

const textArray = (texts: readonly string[]): string => `{${texts.map(quotedElement).join(',')}}`;

/** Writes the chained events after `head` in a statement of their own: the last position, or null when the head moved (nothing written). */
async function insertAlone(executor: SqlExecutor, insert: ChainedInsert): Promise<bigint | null> {
  const { stream, head, events } = insert;
  if (events.length === 1) {
    const [event] = events;
    const { rows } = await executor.query<{ position: bigint }>(
      INSERT_ONE_SQL,
      [stream, event.id, head.revision + 1, event.type, event.schemaVersion, event.encodedData, storedMetadataJson(insert, 0), head.hash],
      PREPARED,
    );
    return rows[0]?.position ?? null;
  }
  const { rows } = await executor.query<{ position: bigint | null }>(
    INSERT_SQL,
    [
      stream,
      uuidArray(events.map((event) => event.id)),
      head.revision + 1,
      textArray(events.map((event) => event.type)),
      integerArray(events.map((event) => event.schemaVersion)),
      // Data and metadata as one JSON array each, joined from texts already made: as text[] parameters
      // the driver escapes every quote of every event (it measured about 10 µs per event here).
      jsonArray(events.map((event) => event.encodedData)),
      jsonArray(events.map((_, index) => storedMetadataJson(insert, index))),
      head.hash,
    ],
    PREPARED,
  );
  return rows[0].position;
}

/**
 * The event store on PostgreSQL, through `pg` or PGlite with the same SQL. Create it with
 * `PostgresEventStore.create(db)` (applies `eventStoreMigrations`). `close()` ends the subscriptions;
 * the database belongs to whoever opened it.
 */
export class PostgresEventStore implements EventStore {
  readonly name: string;
  private readonly upcasters: UpcasterRegistry;
  private readonly subscriptionSettings: SubscriptionSettings;
  private readonly subscriptions = new Set<LogSubscription>();
  private stopListening?: Promise<(() => Promise<void>) | undefined>;
  /** Tells this store's notifications from other processes' (see `AppendedPayload`). */
  private readonly instanceId = randomUUID();
  private readonly logSql: LogSql;
  private readonly notifier: AppendNotifier;
  /** Map order is insertion order: the first entry is the one written longest ago. */
  private readonly heads = new Map<string, StreamHead>();
  private readonly groups: AppendGroups;
  private pollTimer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly db: SqlDatabase,
    options: PostgresEventStoreOptions = {},
  ) {
    this.name = db.driver === 'pglite' ? 'pglite' : 'postgresql';
    this.logSql = db.driver === 'pglite' ? SINGLE_CONNECTION_LOG_SQL : SERVER_LOG_SQL;
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.subscriptionSettings = { ...defaultSubscriptionSettings, ...options.subscriptions };
    this.notifier = new AppendNotifier(db, this.instanceId);
    this.groups = new AppendGroups(db);
  }

  static async create(db: SqlDatabase, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    await migrate(db, eventStoreMigrations);
    return new PostgresEventStore(db, options);
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const stored = this.prepare(stream, events);
    for (let attempt = 1; ; attempt++) {
      // The first attempt trusts the head this store saw last when it is the expected one (the insert
      // checks it); no_stream needs no head at all. Every later attempt reads it.
      const head = (attempt === 1 && this.assumedHead(stream, expected)) || (await this.readHead(this.db, stream));
      try {
        const result = await this.appendAt(this.db, stream, head, stored, expected);
        if (result === undefined) {
          this.heads.delete(stream);
          continue; // the head moved from the one assumed: read it
        }
        this.appended(stored);
        return result;
      } catch (error) {
        this.heads.delete(stream);
        if (!isUniqueViolation(error)) throw error;
        if (error.constraint === ID_CONSTRAINT) {
          const settled = await this.settleDuplicateIds(stream, head, stored, expected);
          if (settled) return settled;
        }
        // Another writer took the revision: the next read of the head decides (idempotent result,
        // wrong expected revision, or for `any`/`stream_exists` a new attempt at the new head).
        if (attempt >= MAX_APPEND_ATTEMPTS) throw error;
        if (attempt > 2) await new Promise((resolve) => setTimeout(resolve, Math.random() * attempt * 2));
      }
    }
  }

  /**
   * Appends inside a transaction the caller controls; the append must be its first write (the
   * allocation of positions checks it). A conflict surfaces as the database's unique violation and
   * aborts the transaction, so retry through `append`. Subscribers see the events once it commits.
   */
  async appendInTransaction(
    tx: SqlExecutor,
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const stored = this.prepare(stream, events);
    // The caller may still roll back: its head is neither trusted nor remembered.
    this.heads.delete(stream);
    const result = await this.appendAt(tx, stream, await this.readHead(tx, stream, false), stored, expected);
    if (result === undefined) throw new Error(`the head of ${stream} changed within the transaction`);
    // Delivered when the caller commits, to this store's subscriptions too: it cannot wake them itself.
    await tx.query(NOTIFY_SQL, [appendedPayload({ types: eventTypes(stored) })]);
    return result;
  }

  /**
   * One statement for all the streams (see `INSERT_MANY_SQL`), trusting the heads this store knows
   * (the statement checks them) and reading the others in one statement first. A head that moved makes
   * it write nothing: the heads are read again, and a stream no longer at its expected revision either
   * holds these very events (a retry: the original results) or fails the whole append.
   */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const streams = new Set<string>();
    const ids = new Set<string>();
    const stored = appends.map(({ stream, events, expected }) => {
      if (streams.has(stream)) throw new TypeError(`appendToStreams: ${stream} appears twice`);
      if (events.length === 0) throw new TypeError(`appendToStreams: no event for ${stream}`);
      if (expected !== 'no_stream' && !Number.isInteger(expected))
        throw new TypeError(`appendToStreams: not an exact revision for ${stream}`);
      streams.add(stream);
      const prepared = this.prepare(stream, events);
      for (const event of prepared) {
        if (ids.has(event.id)) throw new DuplicateEventIdError(stream, event.id);
        ids.add(event.id);
      }
      return prepared;
    });
    const expectedOf = (index: number): number => {
      const expected = appends[index].expected;
      return expected === 'no_stream' ? -1 : expected;
    };
    let idTaken: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const heads = await this.headsFor(
        appends.map((append) => append.stream),
        attempt === 1 ? appends.map((append) => this.assumedHead(append.stream, append.expected)) : [],
      );
      if (heads.some((head, index) => head.revision !== expectedOf(index))) return this.settleMoved(appends, stored, heads);
      // An id was taken while no stream moved: it lives elsewhere (or earlier), not a retry of this append.
      if (idTaken !== undefined) throw new DuplicateEventIdError(idTaken, [...ids][0]);
      try {
        const results = await this.insertMany(appends, stored, heads);
        if (results === undefined) {
          for (const append of appends) this.heads.delete(append.stream);
          continue; // a head moved from the one assumed: read them
        }
        this.appended(stored.flat());
        return results;
      } catch (error) {
        for (const append of appends) this.heads.delete(append.stream);
        if (!isUniqueViolation(error)) throw error;
        // Another writer took a revision, or an id is taken: the next read of the heads decides.
        if (error.constraint === ID_CONSTRAINT) idTaken = appends[0].stream;
        if (attempt >= MAX_APPEND_ATTEMPTS) throw error;
      }
    }
  }

  async readStreams(reads: readonly StreamRead[], options: { readonly raw?: boolean } = {}): Promise<RecordedEvent[][]> {
    const lists: RecordedEvent[][] = reads.map(() => []);
    if (reads.length === 0) return lists;
    const { rows } = await this.db.query<TextEventRow & { read_ordinal: number | string }>(
      READ_STREAMS_SQL,
      [reads.map((read) => read.stream), reads.map((read) => read.fromRevision)],
      PREPARED,
    );
    for (const row of rows) lists[Number(row.read_ordinal) - 1].push(this.toRecorded(parsed(row), options.raw === true));
    return lists;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? null : 0);
    const { rows } = await this.db.query<TextEventRow>(
      readStreamSql(backwards, from !== null),
      from === null ? [stream, options.maxCount ?? null] : [stream, options.maxCount ?? null, from],
      PREPARED,
    );
    return rows.map((row) => this.toRecorded(parsed(row), options.raw === true));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return (
      await this.readLog(
        options.after ?? 0n,
        options.maxCount ?? null,
        options.typePrefixes,
        undefined,
        options.omitData,
        options.metadataFields,
      )
    ).events;
  }

  async readPositions(positions: readonly bigint[], options: { readonly raw?: boolean } = {}): Promise<RecordedEvent[]> {
    if (positions.length === 0) return [];
    const { rows } = await this.db.query<TextEventRow>(
      `SELECT ${TEXT_EVENT_COLUMNS} FROM ${EVENTS_TABLE} WHERE position = ANY($1::bigint[]) ORDER BY position`,
      [positions.map(String)],
    );
    return rows.map((row) => this.toRecorded(parsed(row), options.raw === true));
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.db.query<{ safe_head: bigint }>(this.logSql.safeHead);
    return rows[0].safe_head;
  }

  async lastCommittedPosition(): Promise<bigint> {
    const { rows } = await this.db.query<{ position: bigint | null }>(LAST_COMMITTED_SQL, [], PREPARED);
    return rows[0].position ?? 0n;
  }

  subscribeToAll(options: SubscribeOptions, handler: EventHandler): Subscription {
    this.listenForAppends();
    const subscription = new LogSubscription(
      (after, limit, typePrefixes, omitDataFields) => this.readLog(after, limit, typePrefixes, omitDataFields),
      options,
      handler,
      this.subscriptionSettings,
      (ended) => {
        this.subscriptions.delete(ended);
        if (this.subscriptions.size === 0) this.stopPolling();
      },
    );
    this.subscriptions.add(subscription);
    this.pollTimer ??= setInterval(() => void this.poll(), this.subscriptionSettings.pollIntervalMs);
    return subscription;
  }

  /**
   * Wakes the idle subscriptions that have events of their types past their cursor, for appends no
   * local call or notification told of. One cheap query (the primary key's last entry) for all of them
   * while the log has not moved past the lowest cursor; else one more for the event types after it,
   * which wakes only the subscriptions they concern and moves the others' cursors to the safe head (see
   * `LogSubscription.polled`). While the database is away nothing is woken, and the subscriptions' own
   * retries take over once one of them reads.
   */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const idle = [...this.subscriptions].filter((subscription) => subscription.isIdle());
      if (idle.length === 0) return;
      const from = idle.reduce(
        (lowest, subscription) => (subscription.caughtUpTo() < lowest ? subscription.caughtUpTo() : lowest),
        idle[0].caughtUpTo(),
      );
      if ((await this.lastCommittedPosition()) <= from) return;
      const { rows } = await this.db.query<{ safe_head: bigint; type: string | null; position: bigint | null }>(this.logSql.appendedTypes, [
        from,
      ]);
      const appended: AppendedType[] = [];
      for (const { type, position } of rows) if (type !== null && position !== null) appended.push({ type, position });
      for (const subscription of idle) subscription.polled(from, rows[0].safe_head, appended);
    } catch {
      // The next poll tries again.
    } finally {
      this.polling = false;
    }
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.stopPolling();
    await this.notifier.idle();
    const stopListening = await this.stopListening;
    this.stopListening = undefined;
    await stopListening?.();
  }

  private prepare(stream: string, events: readonly NewEvent[]): StoredEvent[] {
    const stored = events.map(storedForm);
    const seen = new Set<string>();
    for (const event of stored) {
      if (seen.has(event.id)) throw new DuplicateEventIdError(stream, event.id);
      seen.add(event.id);
    }
    return stored;
  }

  private async readHead(executor: SqlExecutor, stream: string, remember = true): Promise<StreamHead> {
    const { rows } = await executor.query<StreamHead>(HEAD_SQL, [stream], PREPARED);
    const head = rows[0] ?? NO_HEAD;
    if (remember && head !== NO_HEAD) this.remember(stream, head);
    return head;
  }

  /** A head the insert can be tried at without reading it: the remembered one if it is the expected revision. */
  private assumedHead(stream: string, expected: ExpectedRevision): StreamHead | undefined {
    if (expected === 'no_stream') return NO_HEAD;
    if (typeof expected !== 'number') return undefined;
    const head = this.heads.get(stream);
    return head?.revision === expected ? head : undefined;
  }

  private remember(stream: string, head: StreamHead): void {
    this.heads.delete(stream);
    this.heads.set(stream, head);
    if (this.heads.size > HEAD_CACHE_ENTRIES) this.heads.delete(this.heads.keys().next().value!);
  }

  /**
   * Checks the expected revision against `head`, then writes the events after it (one statement).
   * Undefined when the stream's head is not `head` any more (nothing written).
   */
  private async appendAt(
    executor: SqlExecutor,
    stream: string,
    head: StreamHead,
    events: readonly StoredEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | undefined> {
    const expectedRevision = expected === 'no_stream' ? -1 : expected;
    if (typeof expectedRevision === 'number' && head.revision !== expectedRevision) {
      const original = await this.findAt(executor, stream, expectedRevision, events);
      if (original) return original;
      throw new WrongExpectedRevisionError(stream, expected, head.revision);
    }
    if (expected === 'stream_exists' && head.revision === -1) {
      throw new WrongExpectedRevisionError(stream, expected, -1);
    }
    if (events.length === 0) return { nextExpectedRevision: head.revision, position: head.position };

    const hashes = chainedHashes(stream, head.revision + 1, head.hash, events);
    const position = await this.insertAt(executor, { stream, head, events, hashes });
    if (position === null) return undefined;
    const nextExpectedRevision = head.revision + events.length;
    if (executor === this.db) this.remember(stream, { revision: nextExpectedRevision, position, hash: hashes[hashes.length - 1] });
    return { nextExpectedRevision, position };
  }

  /**
   * Writes the chained events after `head`: the last position, or null when the head moved (nothing
   * written). An append of its own transaction goes with the others waiting (`AppendGroups`).
   */
  private insertAt(executor: SqlExecutor, insert: ChainedInsert): Promise<bigint | null> {
    if (executor === this.db) return this.groups.insert(insert);
    return insertAlone(executor, insert);
  }

  /** The heads of `streams`: the known ones as given, the rest read in one statement (and remembered). */
  private async headsFor(streams: readonly string[], known: readonly (StreamHead | undefined)[]): Promise<StreamHead[]> {
    const heads = streams.map((_, index) => known[index]);
    const missing = streams.filter((_, index) => heads[index] === undefined);
    if (missing.length === 0) return heads as StreamHead[];
    const { rows } = await this.db.query<{
      ordinal: number | string;
      revision: number | null;
      position: bigint | null;
      hash: string | null;
    }>(HEADS_SQL, [missing]);
    const read = new Map<string, StreamHead>();
    for (const row of rows) {
      const stream = missing[Number(row.ordinal) - 1];
      const head = row.revision === null ? NO_HEAD : { revision: row.revision, position: row.position!, hash: row.hash };
      if (head !== NO_HEAD) this.remember(stream, head);
      read.set(stream, head);
    }
    return streams.map((stream, index) => heads[index] ?? read.get(stream)!);
  }

  /** Chains each stream's events to its head and writes them all in one statement; undefined when a head moved. */
  private async insertMany(
    appends: readonly StreamAppend[],
    stored: readonly (readonly StoredEvent[])[],
    heads: readonly StreamHead[],
  ): Promise<AppendResult[] | undefined> {
    const inserts: ChainedInsert[] = stored.map((events, index) => {
      const { stream } = appends[index];
      const head = heads[index];
      return { stream, head, events, hashes: chainedHashes(stream, head.revision + 1, head.hash, events) };
    });
    const metadata: string[] = [];
    const eventStreams: number[] = [];
    inserts.forEach((insert, index) => {
      for (let offset = 0; offset < insert.events.length; offset++) {
        metadata.push(storedMetadataJson(insert, offset));
        eventStreams.push(index + 1);
      }
    });
    const all = stored.flat();
    const { rows } = await this.db.query<{ stream: string; position: bigint }>(
      INSERT_MANY_SQL,
      [
        appends.map((append) => append.stream),
        heads.map((head) => head.revision + 1),
        heads.map((head) => head.hash),
        uuidArray(all.map((event) => event.id)),
        integerArray(eventStreams),
        textArray(all.map((event) => event.type)),
        integerArray(all.map((event) => event.schemaVersion)),
        jsonArray(all.map((event) => event.encodedData)),
        jsonArray(metadata),
      ],
      PREPARED,
    );
    if (rows.length === 0) return undefined;
    const positions = new Map(rows.map((row) => [row.stream, row.position]));
    return appends.map(({ stream }, index) => {
      const nextExpectedRevision = heads[index].revision + stored[index].length;
      const position = positions.get(stream)!;
      const { hashes } = inserts[index];
      this.remember(stream, { revision: nextExpectedRevision, position, hash: hashes[hashes.length - 1] });
      return { nextExpectedRevision, position };
    });
  }

  /**
   * Some stream is not at its expected revision: the original results when every stream holds exactly
   * these events after its expected revision (the write happened: it is atomic), else the first stream
   * that is not where it was expected.
   */
  private async settleMoved(
    appends: readonly StreamAppend[],
    stored: readonly (readonly StoredEvent[])[],
    heads: readonly StreamHead[],
  ): Promise<AppendResult[]> {
    const expectedOf = (expected: number | 'no_stream'): number => (expected === 'no_stream' ? -1 : expected);
    const moved = appends.findIndex((append, index) => heads[index].revision !== expectedOf(append.expected));
    const unmoved = appends.some((append, index) => heads[index].revision === expectedOf(append.expected));
    const refuse = (index: number) => new WrongExpectedRevisionError(appends[index].stream, appends[index].expected, heads[index].revision);
    if (unmoved) throw refuse(moved);
    const results: AppendResult[] = [];
    for (const [index, { stream, expected }] of appends.entries()) {
      const found = await this.findAt(this.db, stream, expectedOf(expected), stored[index]);
      if (!found) throw refuse(index);
      results.push(found);
    }
    return results;
  }

  /** The original result when the stream holds exactly these ids right after `afterRevision`. */
  private async findAt(
    executor: SqlExecutor,
    stream: string,
    afterRevision: number,
    events: readonly Pick<NewEvent, 'id'>[],
  ): Promise<AppendResult | undefined> {
    if (events.length === 0) return undefined;
    const { rows } = await executor.query<{ id: string; revision: number; position: bigint }>(
      `SELECT id, revision, position FROM ${EVENTS_TABLE}
       WHERE stream = $1 AND revision > $2 ORDER BY revision LIMIT $3`,
      [stream, afterRevision, events.length],
    );
    const same = rows.length === events.length && rows.every((row, index) => row.id === events[index].id);
    if (!same) return undefined;
    const last = rows[rows.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  /**
   * An id of the batch is already stored. With `any`/`stream_exists` the retry is recognised when the
   * stream holds the whole batch in order (best effort); with an exact revision or `no_stream` only
   * the read at the expected place counts, so a stream that did not move means the id lives elsewhere.
   */
  private async settleDuplicateIds(
    stream: string,
    headBefore: StreamHead,
    events: readonly Pick<NewEvent, 'id'>[],
    expected: ExpectedRevision,
  ): Promise<AppendResult | undefined> {
    const { rows } = await this.db.query<{ id: string; stream: string; revision: number; position: bigint }>(
      `SELECT id, stream, revision, position FROM ${EVENTS_TABLE} WHERE id = ANY($1::uuid[]) ORDER BY position`,
      [events.map((event) => event.id)],
    );
    if (rows.length === 0) return undefined; // the conflicting writer rolled back: try again
    if (expected === 'any' || expected === 'stream_exists') {
      const byId = new Map(rows.map((row) => [row.id, row]));
      const found = events.map((event) => byId.get(event.id));
      const first = found[0];
      const inPlace = first !== undefined && found.every((row, index) => row?.stream === stream && row.revision === first.revision + index);
      if (inPlace) {
        const last = found[found.length - 1]!;
        return { nextExpectedRevision: last.revision, position: last.position };
      }
      throw new DuplicateEventIdError(stream, rows[0].id);
    }
    const head = await this.readHead(this.db, stream);
    if (head.revision === headBefore.revision) throw new DuplicateEventIdError(stream, rows[0].id);
    return undefined;
  }

  private async readLog(
    after: bigint,
    limit: number | null,
    typePrefixes?: readonly string[],
    omitDataFields?: readonly string[],
    omitData = false,
    metadataFields?: readonly MetadataField[],
  ): Promise<LogBatch> {
    const params = [after, limit, typePrefixes ?? null, omitDataFields ?? null, omitData, omittedMetadataFields(metadataFields)];
    if (this.logSql === SINGLE_CONNECTION_LOG_SQL) {
      const { rows } = await this.db.query<{ safe_head: bigint; events: string | null }>(this.logSql.readLog, params, PREPARED);
      const events: RecordedEvent[] = [];
      if (rows[0].events !== null) {
        for (const [position, id, stream, revision, type, schemaVersion, data, metadata] of JSON.parse(
          rows[0].events,
        ) as LogDocumentEvent[]) {
          const row = { position: BigInt(position), id, stream, revision, type, schema_version: schemaVersion, data, metadata };
          events.push(this.toRecorded(row, omitData));
        }
      }
      return { events, safeHead: rows[0].safe_head };
    }
    // One row per event, or a single row of nulls but the safe head when no event qualifies.
    // Prepared: every append wakes each instance's followers into this read, the most frequent of the
    // statements the server parsed and planned anew (base_yyparse, core_yylex, copyObjectImpl and the
    // planner, about 5% of PostgreSQL's CPU under the usage bench, perf).
    const { rows } = await this.db.query<EventRow & { safe_head: bigint }>(this.logSql.readLog, params, PREPARED);
    const events: RecordedEvent[] = [];
    // Without data, as stored: an upcaster would see an empty object.
    for (const row of rows) if (row.position !== null) events.push(this.toRecorded(row, omitData));
    return { events, safeHead: rows[0]?.safe_head ?? after };
  }

  private toRecorded(row: EventRow, raw: boolean): RecordedEvent {
    const event: RecordedEvent = {
      id: row.id,
      stream: row.stream,
      revision: row.revision,
      position: row.position,
      type: row.type,
      schemaVersion: row.schema_version,
      data: row.data,
      metadata: row.metadata,
    };
    return raw ? event : this.upcasters.apply(event);
  }

  private listenForAppends(): void {
    if (this.db.driver === 'pglite') {
      storesOnPGlite(this.db).add(this);
      this.stopListening ??= Promise.resolve(async () => {
        storesOnPGlite(this.db).delete(this);
      });
      return;
    }
    this.stopListening ??= this.db
      .listen(APPENDED_CHANNEL, (text) => {
        const payload = parseAppendedPayload(text);
        if (payload.from !== this.instanceId) this.wakeSubscriptions(payload.types);
      })
      // Without notifications the subscriptions still poll.
      .catch(() => undefined);
  }

  /**
   * After a committed append of this store: its own subscriptions now, other processes' by notification.
   * PGlite belongs to one process (its data directory is locked), so every store that could subscribe to
   * it is in this one and is woken directly: a NOTIFY there is one more query on its single thread
   * (0.5-1 ms each, measured), for an echo this store would ignore.
   */
  private appended(events: readonly StoredEvent[]): void {
    const types = eventTypes(events);
    this.wakeSubscriptions(types);
    if (this.db.driver !== 'pglite') return this.notifier.signal(types);
    for (const store of storesOnPGlite(this.db)) if (store !== this) store.wakeSubscriptions(types);
  }

  private wakeSubscriptions(types?: readonly string[]): void {
    for (const subscription of this.subscriptions) subscription.wake(types);
  }
}

/** The stores with subscriptions on each PGlite database, which wake one another instead of notifying. */
const pgliteSubscribers = new WeakMap<SqlDatabase, Set<PostgresEventStore>>();

function storesOnPGlite(db: SqlDatabase): Set<PostgresEventStore> {
  let stores = pgliteSubscribers.get(db);
  if (!stores) pgliteSubscribers.set(db, (stores = new Set()));
  return stores;
}

/**
 * How long a notification waits for more appends to name. Sent at once, one appender's sequential
 * appends (a command at a time) sent one notification each: a second statement, round trip and
 * transaction per append, about 60 µs of client CPU on top of 130-140 per single-event append (one
 * connection, 2 cores at load 4). Subscribers in other processes hear of an append this much later;
 * this store's own are woken at once, and every process polls anyway.
 */
const NOTIFY_WINDOW_MS = 5;

/**
 * Wakes subscribers in other processes after appends commit. Not sent from inside the append: a
 * transaction that notifies holds a database-wide lock through its commit, which serialised
 * concurrent appends (about 3x slower here). Coalesced: the first append after a notification starts
 * a window of NOTIFY_WINDOW_MS, and one notification then names what every append of the window
 * appended; appends while it is in flight wait for the next window. So every commit is followed by
 * a notification sent after it.
 */
class AppendNotifier {
  private inFlight?: Promise<void>;
  /** Types appended since the notification in flight was sent: the next one names them. */
  private pending = new Set<string>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly from: string,
  ) {}

  signal(types: readonly string[]): void {
    for (const type of types) this.pending.add(type);
    this.schedule();
  }

  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private schedule(): void {
    if (this.inFlight || this.pending.size === 0) return;
    this.inFlight = this.sendAfterWindow().finally(() => {
      this.inFlight = undefined;
      // Appends whose signal came while this one was finishing.
      this.schedule();
    });
  }

  private async sendAfterWindow(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, NOTIFY_WINDOW_MS));
    const types = [...this.pending];
    this.pending = new Set();
    // A lost notification only delays subscribers until their next poll.
    await this.db.query(NOTIFY_SQL, [appendedPayload({ from: this.from, types })]).catch(() => undefined);
  }
}

/**
 * Groups on the pool at once; the appends arriving meanwhile wait for one to return. 16 writers, 2
 * cores shared with another bench (load 3-8), µs of CPU per event in the client / server and the
 * ratio to Emmett in the same run: one append per statement 69-80 / 119-143; one group in flight
 * 36-58 / 43-48, single events 2.69x but 100-event appends 1.18x (their groups of 1,000 events one
 * after another, the server on one backend); two 40-65 / 53-61, 2.67x and 3.38x, 1.28x and 1.54x (two
 * runs); four 45-78 / 67-86, 3.85x and 1.54x. On an idle machine with two: 3.12x and 1.45x. On PGlite
 * (one connection) it counts most: 2,188 -> 5,698 single-event appends/s, 478 -> 194 µs of CPU each.
 * Checked again once the client's CPU per event was cut (see `StoredEvent`), 100-event appends in
 * one run (load 9-11): two in flight 17.2 / 20.4 µs, three 19.7 / 21.1; groups of up to 2,000 events
 * 19.7 / 21.7, of up to 500 19.2 / 21.0; the rates as close as the run's noise. Two and 1,000 kept.
 */
const MAX_GROUPS_IN_FLIGHT = 2;
/** Bounds on a group, so that one statement's parameters and rows stay moderate. */
const MAX_GROUP_APPENDS = 64;
const MAX_GROUP_EVENTS = 1_000;

interface WaitingInsert extends ChainedInsert {
  resolve(position: bigint | null): void;
  reject(error: unknown): void;
}

/**
 * Group commit: the appends of this process that wait at the same time go as one statement in one
 * transaction (`INSERT_GROUP_SQL`): one commit and one WAL flush, one round trip for the driver. No
 * timer: an append finding fewer than MAX_GROUPS_IN_FLIGHT in flight is sent at once, alone, as
 * before (no latency added when idle); those arriving while they are in flight wait, and go together
 * when one returns (at most MAX_GROUP_APPENDS or MAX_GROUP_EVENTS). Each append keeps the outcome it
 * would have had alone: its own head check in the statement, and any error of the statement (another
 * process's writer took a revision or an id, a deadlock, the connection) sends the group again one
 * append at a time, each getting its own result or error. Two appends to one stream never share a
 * group (the later one waits for the next), so within a group none loses a race to another.
 */
class AppendGroups {
  private waiting: WaitingInsert[] = [];
  private inFlight = 0;

  constructor(private readonly db: SqlDatabase) {}

  insert(insert: ChainedInsert): Promise<bigint | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...insert, resolve, reject });
      this.send();
    });
  }

  private send(): void {
    while (this.inFlight < MAX_GROUPS_IN_FLIGHT && this.waiting.length > 0) {
      const group = this.take();
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.send();
      });
    }
  }

  /** The next group, in arrival order: each stream once, within the bounds; the others wait for the next. */
  private take(): WaitingInsert[] {
    const group: WaitingInsert[] = [];
    const streams = new Set<string>();
    const left: WaitingInsert[] = [];
    let events = 0;
    for (const insert of this.waiting) {
      const fits = group.length === 0 || (group.length < MAX_GROUP_APPENDS && events + insert.events.length <= MAX_GROUP_EVENTS);
      if (fits && !streams.has(insert.stream)) {
        group.push(insert);
        streams.add(insert.stream);
        events += insert.events.length;
      } else {
        left.push(insert);
      }
    }
    this.waiting = left;
    return group;
  }

  private async write(group: readonly WaitingInsert[]): Promise<void> {
    if (group.length > 1) {
      let positions: (bigint | null)[] | undefined;
      try {
        positions = await insertGroup(this.db, group);
      } catch {
        // Nothing of the group was written: each append alone, as if it had never been grouped.
      }
      if (positions) return group.forEach((insert, index) => insert.resolve(positions[index]));
    }
    await Promise.all(group.map((insert) => insertAlone(this.db, insert).then(insert.resolve, insert.reject)));
  }
}

/** Writes the appends of a group in one statement: each one's last position, or null when its head moved. */
async function insertGroup(db: SqlExecutor, group: readonly ChainedInsert[]): Promise<(bigint | null)[]> {
  const firstEvents: number[] = [];
  const appendOrdinals: number[] = [];
  let count = 0;
  group.forEach(({ events }, index) => {
    firstEvents.push(count + 1);
    for (let k = 0; k < events.length; k++) appendOrdinals.push(index + 1);
    count += events.length;
  });
  const events = group.flatMap((insert) => insert.events);
  const { rows } = await db.query<{ ordinal: bigint | string | number; position: bigint }>(
    INSERT_GROUP_SQL,
    [
      group.map((insert) => insert.stream),
      group.map((insert) => insert.head.revision + 1),
      group.map((insert) => insert.head.hash),
      group.map((insert) => insert.events.length),
      firstEvents,
      integerArray(appendOrdinals),
      uuidArray(events.map((event) => event.id)),
      textArray(events.map((event) => event.type)),
      integerArray(events.map((event) => event.schemaVersion)),
      jsonArray(events.map((event) => event.encodedData)),
      jsonArray(group.flatMap((insert) => insert.events.map((_, index) => storedMetadataJson(insert, index)))),
    ],
    PREPARED,
  );
  const positions: (bigint | null)[] = group.map(() => null);
  for (const row of rows) positions[Number(row.ordinal) - 1] = row.position;
  return positions;
}
