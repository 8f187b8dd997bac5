import { randomBytes } from 'node:crypto';
import { PgDatabase, quoteIdentifier } from '@app/database';

export interface TemporaryDatabase {
  readonly url: string;
  /** A connection pool on the database; `drop()` closes every pool opened here. */
  open(maxConnections?: number): PgDatabase;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database on the server of `serverUrl`, so suites never share tables. */
export async function createTemporaryDatabase(serverUrl: string, prefix = 'test'): Promise<TemporaryDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new PgDatabase(serverUrl, { maxConnections: 1 });
  try {
    await admin.exec(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } finally {
    await admin.close();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const opened: PgDatabase[] = [];
  return {
    url: url.toString(),
    open(maxConnections = 12) {
      const db = new PgDatabase(url.toString(), { maxConnections });
      opened.push(db);
      return db;
    },
    async drop() {
      await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
      const dropper = new PgDatabase(serverUrl, { maxConnections: 1 });
      try {
        await dropper.exec(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
      } finally {
        await dropper.close();
      }
    },
  };
}

/** Every row of every table of `db` (each as PostgreSQL's text of the row), and the tables' names. */
export async function dumpTables(db: PgDatabase): Promise<{ tables: string[]; rows: string[] }> {
  const { rows: found } = await db.query<{ name: string }>(
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const tables = found.map(({ name }) => name);
  const rows: string[] = [];
  for (const name of tables) {
    const { rows: texts } = await db.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
    rows.push(...texts.map(({ row }) => row));
  }
  return { tables, rows };
}
