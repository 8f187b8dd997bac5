import { Migration } from '@app/database';

/**
 * Last use of each key, to the minute. Not a projection: no event records a use (one per request
 * would flood the log), so a rebuild of the listing must not touch it. Written in batches by each api
 * instance with GREATEST, so it only ever moves forward, whatever order instances flush in.
 */
export const API_KEY_LAST_USED_TABLE = 'api_key_last_used';

export const apiKeyMigrations: readonly Migration[] = [
  {
    id: 'api-keys/001-last-used',
    sql: `CREATE TABLE IF NOT EXISTS ${API_KEY_LAST_USED_TABLE} (
            key_id text PRIMARY KEY,
            last_used_at timestamptz NOT NULL
          )`,
  },
];
