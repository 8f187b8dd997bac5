import { SqlDatabase } from './sql-database';

export interface Migration {
  /** Unique and ordered within its owner, e.g. `event-store/001-events`. */
  readonly id: string;
  readonly sql: string;
}

const MIGRATION_LOCK_KEY = 814_112_007;

/** Applies pending migrations in order, each in its own transaction; safe with concurrent starters. */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[]): Promise<string[]> {
  // Under the lock too: two processes starting together would otherwise race on CREATE TABLE.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id]);
      if (existing.rowCount > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
      return true;
    });
    if (didApply) applied.push(migration.id);
  }
  return applied;
}
