import { SqlExecutor } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * Notifications: one row per in-app notification, with when it was read. Fed by `notification.created`
 * and `notification.read` (declared here as this read model reads them, so the context that registers
 * it is not imported back). Created rows are inserted once; reading keeps the first instant.
 */
export const NOTIFICATIONS_TABLE = 'notifications';

export const notificationsProjection: Projection = {
  name: 'notifications',
  version: 1,
  eventTypePrefixes: ['notification.'],
  tables: [
    {
      name: NOTIFICATIONS_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          notification_id text PRIMARY KEY,
          account_id text NOT NULL,
          kind text NOT NULL,
          title text NOT NULL,
          body text NOT NULL,
          created_at timestamptz NOT NULL,
          read_at timestamptz
        );
        CREATE INDEX {{table}}_by_account ON {{table}} (account_id, created_at DESC, notification_id DESC);`,
    },
  ],

  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    const table = tables[NOTIFICATIONS_TABLE];
    const at = event.metadata.occurredAt;
    const data = event.data as Record<string, string>;
    if (event.type === 'notification.created') {
      await tx.query(
        `INSERT INTO ${table} (notification_id, account_id, kind, title, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (notification_id) DO NOTHING`,
        [data.notificationId, data.accountId, data.kind, data.title, data.body, at],
      );
    } else if (event.type === 'notification.read') {
      await tx.query(`UPDATE ${table} SET read_at = COALESCE(read_at, $2) WHERE notification_id = $1`, [data.notificationId, at]);
    }
  },
};
