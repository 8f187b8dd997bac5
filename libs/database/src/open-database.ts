import { PgDatabase } from './pg-database';
import { PGliteDatabase } from './pglite-database';
import { SqlDatabase } from './sql-database';

/** `DATABASE_URL` set: PostgreSQL; otherwise PGlite under `dataDir` (in memory when that is undefined). */
export async function openDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<SqlDatabase> {
  if (options.databaseUrl) return new PgDatabase(options.databaseUrl);
  return PGliteDatabase.open(options.dataDir);
}
