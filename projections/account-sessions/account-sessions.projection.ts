import { SqlExecutor } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * AccountSessions: one row per session an account started, for `GET /v1/sessions`: when and from where
 * it started, its absolute end, and when and why it ended. Idle expiry is decided when read (the
 * listing joins the session activity table); an `idle` or `expired` ending only appears here once the
 * sweep has recorded it, with the instant time ended the session.
 *
 * The event types are the sessions context's stored schema, declared here as this read model reads
 * them (the spec checks them against the context's own), so the context registers it without a cycle.
 * Version 3: sessions moved from the account stream into streams of their own (`session-<id>`).
 */
export const ACCOUNT_SESSIONS_TABLE = 'account_sessions';

export const accountSessionsEventTypes = ['session.started', 'session.ended'] as const;

export const accountSessionsProjection: Projection = {
  name: 'account-sessions',
  version: 4,
  eventTypePrefixes: accountSessionsEventTypes,
  tables: [
    {
      name: ACCOUNT_SESSIONS_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          session_id text PRIMARY KEY,
          account_id text NOT NULL,
          method text NOT NULL,
          second_factor text,
          created_at timestamptz NOT NULL,
          expires_at timestamptz NOT NULL,
          ip text,
          user_agent text,
          ended_at timestamptz,
          end_reason text
        );
        CREATE INDEX {{table}}_account ON {{table}} (account_id, created_at DESC, session_id DESC);
        CREATE INDEX {{table}}_open ON {{table}} (expires_at) WHERE ended_at IS NULL;`,
    },
  ],
  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    const table = tables[ACCOUNT_SESSIONS_TABLE];
    const data = event.data as Record<string, string>;
    switch (event.type) {
      case 'session.started':
        await tx.query(
          `INSERT INTO ${table} (session_id, account_id, method, second_factor, created_at, expires_at, ip, user_agent)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (session_id) DO NOTHING`,
          [
            data.sessionId,
            data.accountId,
            data.method,
            data.secondFactor ?? null,
            event.metadata.occurredAt,
            data.expiresAt,
            data.ip ?? null,
            data.userAgent ?? null,
          ],
        );
        return;
      case 'session.ended':
        // `endedAt` (idle, expired): the sweep records such an end after the instant time decided it.
        await tx.query(`UPDATE ${table} SET ended_at = $2, end_reason = $3 WHERE session_id = $1 AND ended_at IS NULL`, [
          data.sessionId,
          data.endedAt ?? event.metadata.occurredAt,
          data.reason,
        ]);
        return;
      default:
        return;
    }
  },
};
