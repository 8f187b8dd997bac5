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
        )`,
      // The listing and the expiry sweep read through these; the folds write by key_id only.
      indexes: `
        CREATE INDEX IF NOT EXISTS {{table}}_by_account ON {{table}} (account_id, created_at DESC, key_id DESC);
        CREATE INDEX IF NOT EXISTS {{table}}_expiry_unrecorded ON {{table}} ((LEAST(expires_at, grace_until)), key_id)
          WHERE revoked_at IS NULL AND expiry_recorded_at IS NULL;`,
    },
  ],

  apply: (event, tx, tables) => foldEvents([event], tx, tables),
  applyBatch: foldEvents,
};

type UpdateEvent = Exclude<ListingEvent, { type: 'api_key.created' }>;

/** What a batch changes in one key's row: absent fields are left as they are. */
interface KeyChanges {
  name?: string;
  scopes?: string;
  replacedBy?: string;
  graceUntil?: string;
  revokedAt?: string;
  expiredAt?: string;
}

/** Later events replace a name, scopes or rotation; a revocation's or an expiry's first instant stays. */
function fold(changes: KeyChanges, event: UpdateEvent, at: string): void {
  switch (event.type) {
    case 'api_key.renamed':
      changes.name = event.data.name;
      return;
    case 'api_key.scopes_changed':
      changes.scopes = JSON.stringify(event.data.scopes);
      return;
    case 'api_key.rotated':
      changes.replacedBy = event.data.replacedBy;
      changes.graceUntil = event.data.graceUntil;
      return;
    case 'api_key.revoked':
      changes.revokedAt ??= at;
      return;
    case 'api_key.expired':
      // The status is computed from expires_at and grace_until; this event only completes the audit trail.
      changes.expiredAt ??= at;
      return;
    default:
      assertNever(event);
  }
}

/**
 * One INSERT for the keys created in the batch, then one UPDATE that gives every other key of the batch
 * its changes at once. The same rows as applying the events one by one, since every change of a key
 * comes after its creation in the log (its stream's revision 0); a batch where one does not is applied
 * one event at a time.
 */
async function foldEvents(events: readonly RecordedEvent[], tx: SqlExecutor, tables: TableNames): Promise<void> {
  const table = tables[API_KEY_LISTING_TABLE];
  const created: Array<{ data: Extract<ListingEvent, { type: 'api_key.created' }>['data']; at: string }> = [];
  const changes = new Map<string, KeyChanges>();
  const listed = events.filter(isListingEvent);
  for (const event of listed) {
    const listing = event as ListingEvent;
    if (listing.type === 'api_key.created') {
      if (changes.has(listing.data.keyId)) {
        for (const one of listed) await foldEvents([one], tx, tables);
        return;
      }
      created.push({ data: listing.data, at: event.metadata.occurredAt });
      continue;
    }
    let keyChanges = changes.get(listing.data.keyId);
    if (!keyChanges) changes.set(listing.data.keyId, (keyChanges = {}));
    fold(keyChanges, listing, event.metadata.occurredAt);
  }
  if (created.length > 0) {
    await tx.query(
      `INSERT INTO ${table} (key_id, account_id, name, prefix, scopes, created_at, expires_at, rotated_from)
       SELECT key_id, account_id, name, prefix, scopes::jsonb, created_at, expires_at, rotated_from
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[])
         AS e(key_id, account_id, name, prefix, scopes, created_at, expires_at, rotated_from)
       ON CONFLICT (key_id) DO NOTHING`,
      [
        created.map(({ data }) => data.keyId),
        created.map(({ data }) => data.accountId),
        created.map(({ data }) => data.name),
        created.map(({ data }) => data.prefix),
        created.map(({ data }) => JSON.stringify(data.scopes)),
        created.map(({ at }) => at),
        created.map(({ data }) => data.expiresAt),
        created.map(({ data }) => data.rotatedFrom),
      ],
    );
  }
  if (changes.size > 0) {
    const changed = [...changes.values()];
    // Each key's row by its primary key, not a hash join over the whole table: the planner costs an
    // index probe as a random page read and hashed every row of the table for a batch of a few hundred
    // keys, so each batch of a rebuild cost more than the one before (900 keys at 40,000 rows: 50-80 ms
    // of execution, 10-20 ms probed; 2 cores at load 8). One key (the live path) is probed anyway.
    const probed = changes.size > 1;
    if (probed) await tx.exec('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
    await tx.query(
      `UPDATE ${table} AS t SET
         name = COALESCE(u.name, t.name), scopes = COALESCE(u.scopes::jsonb, t.scopes),
         replaced_by = COALESCE(u.replaced_by, t.replaced_by), grace_until = COALESCE(u.grace_until, t.grace_until),
         revoked_at = COALESCE(t.revoked_at, u.revoked_at), expiry_recorded_at = COALESCE(t.expiry_recorded_at, u.expired_at)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
         AS u(key_id, name, scopes, replaced_by, grace_until, revoked_at, expired_at)
       WHERE t.key_id = u.key_id`,
      [
        [...changes.keys()],
        changed.map((change) => change.name ?? null),
        changed.map((change) => change.scopes ?? null),
        changed.map((change) => change.replacedBy ?? null),
        changed.map((change) => change.graceUntil ?? null),
        changed.map((change) => change.revokedAt ?? null),
        changed.map((change) => change.expiredAt ?? null),
      ],
    );
    if (probed) await tx.exec('SET LOCAL enable_hashjoin TO DEFAULT; SET LOCAL enable_mergejoin TO DEFAULT');
  }
}
