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
    },
  ],

  apply: (event, tx, tables) => indexEvents([event], tx, tables),
  applyBatch: indexEvents,
};

/** Two statements per batch: the index rows, then each (account, stream) once with its highest revision. */
async function indexEvents(events: readonly RecordedEvent[], tx: SqlExecutor, tables: TableNames): Promise<void> {
  const indexed = events.filter((event) => typeof event.metadata.accountId === 'string' && event.metadata.accountId !== '');
  if (indexed.length === 0) return;
  await tx.query(
    `INSERT INTO ${tables[AUDIT_TRAIL_TABLE]} (position, account_id, stream, revision, type, occurred_at)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::timestamptz[])
     ON CONFLICT (position) DO NOTHING`,
    [
      indexed.map((event) => event.position.toString()),
      indexed.map((event) => event.metadata.accountId),
      indexed.map((event) => event.stream),
      indexed.map((event) => event.revision),
      indexed.map((event) => event.type),
      indexed.map((event) => event.metadata.occurredAt),
    ],
  );
  // In position order, so the first event of a stream in the batch gives its first position.
  const streams = new Map<string, { accountId: string; stream: string; firstPosition: string; lastRevision: number }>();
  for (const event of indexed) {
    const accountId = event.metadata.accountId as string;
    const key = `${accountId}\u0000${event.stream}`;
    const seen = streams.get(key);
    if (!seen)
      streams.set(key, { accountId, stream: event.stream, firstPosition: event.position.toString(), lastRevision: event.revision });
    else seen.lastRevision = Math.max(seen.lastRevision, event.revision);
  }
  const rows = [...streams.values()];
  await tx.query(
    `INSERT INTO ${tables[AUDIT_TRAIL_STREAMS_TABLE]} (account_id, stream, first_position, last_revision)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::integer[])
     ON CONFLICT (account_id, stream) DO UPDATE SET last_revision = GREATEST(${tables[AUDIT_TRAIL_STREAMS_TABLE]}.last_revision, EXCLUDED.last_revision)`,
    [
      rows.map((row) => row.accountId),
      rows.map((row) => row.stream),
      rows.map((row) => row.firstPosition),
      rows.map((row) => row.lastRevision),
    ],
  );
}
