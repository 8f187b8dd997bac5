import { SqlExecutor } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * AccountProfile: one row per account for `GET /v1/me` and staff lookups: email, verification, status,
 * the staff roles granted by events, creation instant. Roles that come from configuration (the
 * bootstrap admin) are added when read, since configuration is not in the log. Version 2 drops the
 * `mfa_enabled` and `plan` columns nothing wrote: `GET /v1/me` asks the MFA and billing ports for them.
 * Version 3 adds `erasure_due_at`: set while the account is closed, for the erasure schedule to find
 * the closures whose grace period ran out (what reads as erased is decided from the log and the clock).
 *
 * The event types are the identity context's stored schema, declared here as this read model reads them.
 */
export const ACCOUNT_PROFILES_TABLE = 'account_profiles';

export const accountProfileEventTypes = [
  'account.registered',
  'account.email_verified',
  'account.staff_roles_changed',
  'account.suspended',
  'account.reinstated',
  'account.closed',
  'account.reopened',
  'account.erased',
] as const;

export interface AccountProfileRow {
  account_id: string;
  email: string;
  email_verified: boolean;
  created_at: Date | string;
  status: 'active' | 'suspended';
  staff_roles: string[];
  erasure_due_at: Date | string | null;
}

export const accountProfileProjection: Projection = {
  name: 'account-profile',
  version: 3,
  eventTypePrefixes: accountProfileEventTypes,
  tables: [
    {
      name: ACCOUNT_PROFILES_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          account_id text PRIMARY KEY,
          email text NOT NULL,
          email_verified boolean NOT NULL DEFAULT false,
          created_at timestamptz NOT NULL,
          status text NOT NULL DEFAULT 'active',
          staff_roles jsonb NOT NULL DEFAULT '[]'::jsonb,
          erasure_due_at timestamptz
        );
        CREATE INDEX {{table}}_email ON {{table}} (email);
        CREATE INDEX {{table}}_erasure_due ON {{table}} (erasure_due_at) WHERE erasure_due_at IS NOT NULL;`,
    },
  ],
  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    const table = tables[ACCOUNT_PROFILES_TABLE];
    const accountId = event.stream.slice('account-'.length);
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'account.registered':
        await tx.query(`INSERT INTO ${table} (account_id, email, created_at) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING`, [
          accountId,
          data.email,
          event.metadata.occurredAt,
        ]);
        return;
      case 'account.email_verified':
        await tx.query(`UPDATE ${table} SET email_verified = true, email = $2 WHERE account_id = $1`, [accountId, data.email]);
        return;
      case 'account.staff_roles_changed':
        await tx.query(`UPDATE ${table} SET staff_roles = $2::jsonb WHERE account_id = $1`, [accountId, JSON.stringify(data.roles)]);
        return;
      case 'account.suspended':
        await tx.query(`UPDATE ${table} SET status = 'suspended' WHERE account_id = $1`, [accountId]);
        return;
      case 'account.reinstated':
        await tx.query(`UPDATE ${table} SET status = 'active' WHERE account_id = $1`, [accountId]);
        return;
      case 'account.closed':
        await tx.query(`UPDATE ${table} SET erasure_due_at = $2 WHERE account_id = $1`, [accountId, data.erasureDueAt]);
        return;
      case 'account.reopened':
      case 'account.erased':
        await tx.query(`UPDATE ${table} SET erasure_due_at = NULL WHERE account_id = $1`, [accountId]);
        return;
      default:
        return;
    }
  },
};
