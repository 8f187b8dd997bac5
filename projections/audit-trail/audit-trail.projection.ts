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
        );
        CREATE INDEX {{table}}_by_account ON {{table}} (account_id, position);
        CREATE INDEX {{table}}_by_account_type ON {{table}} (account_id, type, position);
        CREATE INDEX {{table}}_by_account_time ON {{table}} (account_id, occurred_at, position);`,
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

  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    const accountId = event.metadata.accountId;
    if (typeof accountId !== 'string' || accountId === '') return;
    await tx.query(
      `INSERT INTO ${tables[AUDIT_TRAIL_TABLE]} (position, account_id, stream, revision, type, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (position) DO NOTHING`,
      [event.position.toString(), accountId, event.stream, event.revision, event.type, event.metadata.occurredAt],
    );
    await tx.query(
      `INSERT INTO ${tables[AUDIT_TRAIL_STREAMS_TABLE]} (account_id, stream, first_position, last_revision)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, stream) DO UPDATE SET last_revision = GREATEST(${tables[AUDIT_TRAIL_STREAMS_TABLE]}.last_revision, EXCLUDED.last_revision)`,
      [accountId, event.stream, event.position.toString(), event.revision],
    );
  },
};
