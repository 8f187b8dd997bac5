import { randomBytes } from 'node:crypto';
import { migrate, Migration, SqlExecutor } from '@app/database';
import { DataKey, DataKeyStore } from '@app/event-store';

export const DATA_KEYS_TABLE = 'personal_data_keys';

export const dataKeyMigrations: readonly Migration[] = [
  {
    id: 'personal-data/001-keys',
    sql: `
      CREATE TABLE ${DATA_KEYS_TABLE} (
        key_id       text        PRIMARY KEY,
        account_id   text        NOT NULL UNIQUE,
        -- the key wrapped by DATA_ENCRYPTION_KEY; NULL once destroyed (the row stays as a tombstone)
        wrapped_key  text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        destroyed_at timestamptz
      );
    `,
  },
];

const MAX_UNWRAPPED = 10_000;

/** Wraps data keys with DATA_ENCRYPTION_KEY (`SecretBox` fits). */
export interface KeyWrapper {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/**
 * The data keys in their own table of the read-model database (PostgreSQL or PGlite), outside the
 * event log, whatever the event store. Create it with `SqlDataKeyStore.create` (applies the migration).
 */
export class SqlDataKeyStore implements DataKeyStore {
  /** By key id, with the wrapped form it came from; dropped at destroy. */
  private readonly unwrapped = new Map<string, { readonly wrapped: string; readonly key: Buffer }>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly wrapper: KeyWrapper,
  ) {}

  static async create(db: Parameters<typeof migrate>[0], wrapper: KeyWrapper): Promise<SqlDataKeyStore> {
    await migrate(db, dataKeyMigrations);
    return new SqlDataKeyStore(db, wrapper);
  }

  async keyOfAccount(accountId: string): Promise<DataKey | null> {
    const found = await this.find(accountId);
    if (found !== undefined) return found;
    const key = randomBytes(32);
    await this.db.query(
      `INSERT INTO ${DATA_KEYS_TABLE} (key_id, account_id, wrapped_key) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING`,
      [randomBytes(9).toString('base64url'), accountId, this.wrapper.seal(key.toString('base64'))],
    );
    // A concurrent first use may have won: whichever row is stored is the key.
    return (await this.find(accountId)) ?? null;
  }

  async keyById(keyId: string): Promise<Buffer | null> {
    return (await this.keysById([keyId])).get(keyId) ?? null;
  }

  /** One query for all of them; an id without a row (or destroyed) is null. */
  async keysById(keyIds: readonly string[]): Promise<Map<string, Buffer | null>> {
    const { rows } = await this.db.query<{ key_id: string; wrapped_key: string | null }>(
      `SELECT key_id, wrapped_key FROM ${DATA_KEYS_TABLE} WHERE key_id = ANY($1::text[])`,
      [[...new Set(keyIds)]],
    );
    const keys = new Map<string, Buffer | null>(keyIds.map((keyId) => [keyId, null]));
    for (const row of rows) keys.set(row.key_id, row.wrapped_key ? this.unwrap(row.key_id, row.wrapped_key) : null);
    return keys;
  }

  async destroy(accountId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ key_id: string }>(
      `INSERT INTO ${DATA_KEYS_TABLE} (key_id, account_id, wrapped_key, destroyed_at) VALUES ($1, $2, NULL, now())
       ON CONFLICT (account_id) DO UPDATE SET wrapped_key = NULL, destroyed_at = COALESCE(${DATA_KEYS_TABLE}.destroyed_at, now())
       RETURNING key_id`,
      [randomBytes(9).toString('base64url'), accountId],
    );
    if (rows[0]) this.unwrapped.delete(rows[0].key_id);
    return rows[0]?.key_id;
  }

  /** undefined: no row; null: destroyed. */
  private async find(accountId: string): Promise<DataKey | null | undefined> {
    const { rows } = await this.db.query<{ key_id: string; wrapped_key: string | null }>(
      `SELECT key_id, wrapped_key FROM ${DATA_KEYS_TABLE} WHERE account_id = $1`,
      [accountId],
    );
    if (rows.length === 0) return undefined;
    return rows[0].wrapped_key ? { id: rows[0].key_id, key: this.unwrap(rows[0].key_id, rows[0].wrapped_key) } : null;
  }

  /** Each wrapped key is unwrapped once (a reload after the cache's age bound finds the same bytes). */
  private unwrap(keyId: string, wrapped: string): Buffer {
    const known = this.unwrapped.get(keyId);
    if (known?.wrapped === wrapped) return known.key;
    const key = Buffer.from(this.wrapper.open(wrapped), 'base64');
    if (this.unwrapped.size >= MAX_UNWRAPPED) this.unwrapped.delete(this.unwrapped.keys().next().value as string);
    this.unwrapped.set(keyId, { wrapped, key });
    return key;
  }
}
