import { randomUUID } from 'node:crypto';
import { PgDatabase, quoteIdentifier } from '@app/database';

export interface ThrowawayDatabase {
  readonly url: string;
  open(maxConnections?: number): PgDatabase;
  drop(): Promise<void>;
}

/**
 * A database of its own on the shared server: its own schema_migrations and events table, dropped at
 * the end, so suites sharing the server neither see these events nor touch each other's tables.
 */
export async function createThrowawayDatabase(serverUrl: string, prefix: string): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new PgDatabase(serverUrl, { maxConnections: 1 });
  await admin.exec(`CREATE DATABASE ${quoteIdentifier(name)}`);
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  const opened: PgDatabase[] = [];
  return {
    url: target.toString(),
    open(maxConnections = 12) {
      const db = new PgDatabase(target.toString(), { maxConnections });
      opened.push(db);
      return db;
    },
    async drop() {
      await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
      await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      await admin.close();
    },
  };
}
