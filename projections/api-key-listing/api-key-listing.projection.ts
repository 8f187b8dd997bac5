import { SqlExecutor } from '@app/database';
import { assertNever } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * ApiKeyListing: one row per API key, for the account holder's listing and the key's detail view.
 *
 * Stores only instants (created, expiry, end of a rotation's grace period, revocation): the status,
 * `stale` and `rotationDue` are computed when read, from these and the clock. `lastUsedAt` is not here:
 * it comes from no event (see `api_key_last_used`, written in batches by the verify route).
 * `expiry_recorded_at` only says that the audit trail has the key's `expired` event, so the sweep that
 * writes those events finds the keys still missing one; no status depends on it.
 *
 * The events it folds are the api-keys context's stored schema, declared here as this read model
 * reads them (the projection spec checks them against the context's own event types), so that the
 * context can register this projection without an import cycle.
 */
export const API_KEY_LISTING_TABLE = 'api_key_listing';

export const apiKeyListingEventTypes = [
  'api_key.created',
  'api_key.renamed',
  'api_key.scopes_changed',
  'api_key.rotated',
  'api_key.revoked',
  'api_key.expired',
] as const;

type ListingEvent =
  | {
      type: 'api_key.created';
      data: {
        keyId: string;
        accountId: string;
        name: string;
        prefix: string;
        scopes: string[];
        expiresAt: string | null;
        rotatedFrom: string | null;
      };
    }
  | { type: 'api_key.renamed'; data: { keyId: string; name: string } }
  | { type: 'api_key.scopes_changed'; data: { keyId: string; scopes: string[] } }
  | { type: 'api_key.rotated'; data: { keyId: string; replacedBy: string; graceUntil: string } }
  | { type: 'api_key.revoked'; data: { keyId: string } }
  | { type: 'api_key.expired'; data: { keyId: string; expiredAt: string } };

function isListingEvent(event: RecordedEvent): event is RecordedEvent & ListingEvent {
  return (apiKeyListingEventTypes as readonly string[]).includes(event.type);
}

export const apiKeyListingProjection: Projection = {
  name: 'api-key-listing',
  version: 2,
  eventTypePrefixes: ['api_key.'],
  tables: [
    {
      name: API_KEY_LISTING_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          key_id text PRIMARY KEY,
          account_id text NOT NULL,
          name text NOT NULL,
          prefix text NOT NULL,
          scopes jsonb NOT NULL,
          created_at timestamptz NOT NULL,
          expires_at timestamptz,
          grace_until timestamptz,
          revoked_at timestamptz,
          rotated_from text,
          replaced_by text,
          expiry_recorded_at timestamptz
        );
        CREATE INDEX {{table}}_by_account ON {{table}} (account_id, created_at DESC, key_id DESC);
        CREATE INDEX {{table}}_expiry_unrecorded ON {{table}} ((LEAST(expires_at, grace_until)), key_id)
          WHERE revoked_at IS NULL AND expiry_recorded_at IS NULL;`,
    },
  ],

  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    if (!isListingEvent(event)) return;
    const table = tables[API_KEY_LISTING_TABLE];
    const at = event.metadata.occurredAt;
    const listed = event as ListingEvent;
    switch (listed.type) {
      case 'api_key.created': {
        const { keyId, accountId, name, prefix, scopes, expiresAt, rotatedFrom } = listed.data;
        await tx.query(
          `INSERT INTO ${table} (key_id, account_id, name, prefix, scopes, created_at, expires_at, rotated_from)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) ON CONFLICT (key_id) DO NOTHING`,
          [keyId, accountId, name, prefix, JSON.stringify(scopes), at, expiresAt, rotatedFrom],
        );
        return;
      }
      case 'api_key.renamed':
        await tx.query(`UPDATE ${table} SET name = $2 WHERE key_id = $1`, [listed.data.keyId, listed.data.name]);
        return;
      case 'api_key.scopes_changed':
        await tx.query(`UPDATE ${table} SET scopes = $2::jsonb WHERE key_id = $1`, [listed.data.keyId, JSON.stringify(listed.data.scopes)]);
        return;
      case 'api_key.rotated':
        await tx.query(`UPDATE ${table} SET replaced_by = $2, grace_until = $3 WHERE key_id = $1`, [
          listed.data.keyId,
          listed.data.replacedBy,
          listed.data.graceUntil,
        ]);
        return;
      case 'api_key.revoked':
        await tx.query(`UPDATE ${table} SET revoked_at = COALESCE(revoked_at, $2) WHERE key_id = $1`, [listed.data.keyId, at]);
        return;
      case 'api_key.expired':
        // The status is computed from expires_at and grace_until; this event only completes the audit trail.
        await tx.query(`UPDATE ${table} SET expiry_recorded_at = COALESCE(expiry_recorded_at, $2) WHERE key_id = $1`, [
          listed.data.keyId,
          at,
        ]);
        return;
      default:
        assertNever(listed);
    }
  },
};
