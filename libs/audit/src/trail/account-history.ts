import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { EventStore, RecordedEvent } from '@app/event-store';
import { AUDIT_TRAIL_STREAMS_TABLE, AUDIT_TRAIL_TABLE } from '../../../../projections/audit-trail/audit-trail.projection';

/** How many events one read from the store fetches by position. */
export const READ_BATCH = 500;

export interface TrailEntry {
  readonly position: bigint;
  readonly stream: string;
  readonly revision: number;
}

export interface AccountStream {
  readonly stream: string;
  readonly lastRevision: number;
}

export interface TrailQuery {
  /** Exclusive. */
  readonly afterPosition?: bigint;
  /** Exclusive: for pages read newest first. */
  readonly beforePosition?: bigint;
  /** An exact event type, or a prefix ending with `.` (`api_key.`). */
  readonly type?: string;
  /** Inclusive bounds on `occurredAt`. */
  readonly since?: Date;
  readonly until?: Date;
  readonly limit?: number;
  readonly newestFirst?: boolean;
}

interface EntryRow {
  position: bigint | string;
  stream: string;
  revision: number;
}

/**
 * An account's history: the audit trail index (positions, streams) and the events themselves, read from
 * the store by position. The index may lag the log by the projection's delay (well under a second).
 */
@Injectable()
export class AccountHistory {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async known(accountId: string): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 FROM ${AUDIT_TRAIL_STREAMS_TABLE} WHERE account_id = $1 LIMIT 1`, [accountId]);
    return rows.length > 0;
  }

  /** The streams holding the account's events, in order of their first such event. */
  async streams(accountId: string): Promise<AccountStream[]> {
    const { rows } = await this.db.query<{ stream: string; last_revision: number }>(
      `SELECT stream, last_revision FROM ${AUDIT_TRAIL_STREAMS_TABLE} WHERE account_id = $1 ORDER BY first_position`,
      [accountId],
    );
    return rows.map((row) => ({ stream: row.stream, lastRevision: row.last_revision }));
  }

  async entries(accountId: string, query: TrailQuery = {}): Promise<TrailEntry[]> {
    const conditions = ['account_id = $1'];
    const params: unknown[] = [accountId];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      conditions.push(sql(`$${params.length}`));
    };
    if (query.afterPosition !== undefined) add((p) => `position > ${p}::bigint`, query.afterPosition.toString());
    if (query.beforePosition !== undefined) add((p) => `position < ${p}::bigint`, query.beforePosition.toString());
    if (query.type?.endsWith('.')) add((p) => `starts_with(type, ${p})`, query.type);
    else if (query.type !== undefined) add((p) => `type = ${p}`, query.type);
    if (query.since) add((p) => `occurred_at >= ${p}`, query.since.toISOString());
    if (query.until) add((p) => `occurred_at <= ${p}`, query.until.toISOString());
    let sql = `SELECT position, stream, revision FROM ${AUDIT_TRAIL_TABLE} WHERE ${conditions.join(' AND ')}
               ORDER BY position ${query.newestFirst ? 'DESC' : 'ASC'}`;
    if (query.limit !== undefined) {
      params.push(query.limit);
      sql += ` LIMIT $${params.length}`;
    }
    const { rows } = await this.db.query<EntryRow>(sql, params);
    return rows.map((row) => ({ position: BigInt(row.position), stream: row.stream, revision: row.revision }));
  }

  /** The events of these entries from the store, in the entries' order (`raw`: as stored, for hashes). */
  async read(entries: readonly TrailEntry[], options: { raw?: boolean } = {}): Promise<RecordedEvent[]> {
    const found = new Map<bigint, RecordedEvent>();
    for (const event of await readEventsAt(this.store, entries, options.raw === true)) found.set(event.position, event);
    return entries.map((entry) => found.get(entry.position)).filter((event): event is RecordedEvent => event !== undefined);
  }

  /** Every event of the query, read in batches as the caller consumes them. */
  async *events(accountId: string, query: TrailQuery = {}, options: { raw?: boolean } = {}): AsyncGenerator<RecordedEvent> {
    for await (const batch of this.batches(accountId, query, options)) yield* batch;
  }

  /** The same, one read from the store at a time. */
  async *batches(accountId: string, query: TrailQuery = {}, options: { raw?: boolean } = {}): AsyncGenerator<RecordedEvent[]> {
    const entries = await this.entries(accountId, query);
    for (let start = 0; start < entries.length; start += READ_BATCH) {
      yield await this.read(entries.slice(start, start + READ_BATCH), options);
    }
  }

  readStream(stream: string): Promise<RecordedEvent[]> {
    return this.store.readStream(stream, { direction: 'forwards', raw: true });
  }
}

/** By position where the adapter offers it; otherwise each stream's span of revisions, in one read per stream. */
export async function readEventsAt(store: EventStore, entries: readonly TrailEntry[], raw: boolean): Promise<RecordedEvent[]> {
  if (entries.length === 0) return [];
  if (store.readPositions)
    return store.readPositions(
      entries.map((entry) => entry.position),
      { raw },
    );
  const byStream = new Map<string, number[]>();
  for (const entry of entries) byStream.set(entry.stream, [...(byStream.get(entry.stream) ?? []), entry.revision]);
  const wanted = new Set(entries.map((entry) => `${entry.stream}\u0000${entry.revision}`));
  const events: RecordedEvent[] = [];
  for (const [stream, revisions] of byStream) {
    const from = Math.min(...revisions);
    const span = await store.readStream(stream, { fromRevision: from, maxCount: Math.max(...revisions) - from + 1, raw });
    events.push(...span.filter((event) => wanted.has(`${event.stream}\u0000${event.revision}`)));
  }
  return events.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}
