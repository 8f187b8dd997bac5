import { SqlExecutor } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * AuditTrail: an index of every event that concerns an account (its `metadata.accountId`, whoever the
 * actor and whatever the stream: identity, sessions, MFA, keys, billing, recovery, staff actions on it),
 * by global position, and the streams that hold them. It keeps no event content, no address and no user
 * agent: readers fetch the events themselves from the store by position (`readPositions`), so what they
 * show is always what is stored (and what erasure leaves readable), and the hash chains are checked on
 * the stored form.
 */
export const AUDIT_TRAIL_TABLE = 'audit_trail';
export const AUDIT_TRAIL_STREAMS_TABLE = 'audit_trail_streams';

export const auditTrailProjection: Projection = {
  name: 'audit-trail',
  version: 1,
  readsData: false,
  readsMetadata: ['accountId', 'occurredAt'],
  tables: [
    {
      name: AUDIT_TRAIL_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          position bigint PRIMARY KEY,
          account_id text NOT NULL,
          stream text NOT NULL,
          revision integer NOT NULL,
          type text NOT NULL,
          occurred_at timestamptz NOT NULL
        )`,
      // For the auditors' queries only: the index rows are written by position.
      indexes: `
        CREATE INDEX IF NOT EXISTS {{table}}_by_account ON {{table}} (account_id, position);
        CREATE INDEX IF NOT EXISTS {{table}}_by_account_type ON {{table}} (account_id, type, position);
        CREATE INDEX IF NOT EXISTS {{table}}_by_account_time ON {{table}} (account_id, occurred_at, position);`,
    },
    {
      name: AUDIT_TRAIL_STREAMS_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          account_id text NOT NULL,
          stream text NOT NULL,
          first_position bigint NOT NULL,
          last_revision integer NOT NULL,
          PRIMARY KEY (account_id, stream)
        );`,
      // Each stream's row follows from the trail: a rebuild derives them once it has caught up instead of
      // upserting each about five times (once per batch holding one of its events).
      fill: `
        INSERT INTO {{table}} (account_id, stream, first_position, last_revision)
        SELECT account_id, stream, min(position), max(revision) FROM {{${AUDIT_TRAIL_TABLE}}} GROUP BY account_id, stream`,
    },
  ],

  apply: (event, tx, tables) => indexEvents([event], tx, tables),
  applyBatch: indexEvents,
};

/**
 * One statement per batch: the index rows, and each (account, stream) of the batch once, with its first
 * position and its highest revision, from the same parameters. Two statements (the streams grouped in
 * JavaScript and sent again) cost one more round trip and the streams' text a second time per batch.
 * While a rebuild leaves the streams out (their `fill`), the index rows alone.
 * Events come in position order, so the ones already indexed are those up to the trail's highest
 * position: a batch folded again (a replay) skips them by that one look at the primary key, where
 * `ON CONFLICT (position) DO NOTHING` cost each row a speculative insertion (a rebuild's server CPU
 * 13.3 -> 11.1 µs per event without it). The runner never hands over an event at or below its
 * checkpoint (committed with the rows), so only a fold handed the same events again meets them.
 */
async function indexEvents(events: readonly RecordedEvent[], tx: SqlExecutor, tables: TableNames): Promise<void> {
  const indexed = events.filter((event) => typeof event.metadata.accountId === 'string' && event.metadata.accountId !== '');
  if (indexed.length === 0) return;
  const streams = tables[AUDIT_TRAIL_STREAMS_TABLE] as string | undefined;
  const batch = `SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::timestamptz[])
    AS e(position, account_id, stream, revision, type, occurred_at)`;
  const insert = (rows: string) =>
    `INSERT INTO ${tables[AUDIT_TRAIL_TABLE]} (position, account_id, stream, revision, type, occurred_at)
     SELECT * FROM ${rows}
     WHERE position > (SELECT COALESCE(max(position), 0) FROM ${tables[AUDIT_TRAIL_TABLE]})`;
  await tx.query(
    streams === undefined
      ? insert(`(${batch}) AS batch`)
      : `WITH batch AS MATERIALIZED (${batch}), indexed AS (${insert('batch')})
         INSERT INTO ${streams} (account_id, stream, first_position, last_revision)
         SELECT account_id, stream, min(position), max(revision) FROM batch GROUP BY account_id, stream
         ON CONFLICT (account_id, stream) DO UPDATE SET last_revision = GREATEST(${streams}.last_revision, EXCLUDED.last_revision)`,
    [
      indexed.map((event) => event.position.toString()),
      indexed.map((event) => event.metadata.accountId),
      indexed.map((event) => event.stream),
      indexed.map((event) => event.revision),
      indexed.map((event) => event.type),
      indexed.map((event) => event.metadata.occurredAt),
    ],
  );
}
