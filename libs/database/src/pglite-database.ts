import { PGlite } from '@electric-sql/pglite';
import { NotificationHandler, QueryResult, SqlDatabase, SqlExecutor } from './sql-database';
import { DataDirLock } from './data-dir-lock';

const INT8_OID = 20;

type PGliteExecutor = Pick<PGlite, 'query' | 'exec'>;

async function run<Row>(target: PGliteExecutor, sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
  const result = await target.query<Row>(sql, params as unknown[]);
  // PGlite reports affectedRows 0 for a SELECT: count the rows of any statement that returns some.
  const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
  return { rows: result.rows, rowCount };
}

/**
 * PGlite is a single connection: a query issued outside an open transaction waits for it to end.
 * Code must therefore never call `db.query` from inside `db.transaction(...)`; use the `tx` given.
 */
export class PGliteDatabase implements SqlDatabase {
  readonly driver = 'pglite' as const;

  private constructor(
    private readonly db: PGlite,
    private readonly lock?: DataDirLock,
  ) {}

  /** `dataDir` undefined means in memory (tests). A directory is locked to this process. */
  static async open(dataDir?: string): Promise<PGliteDatabase> {
    const lock = dataDir ? DataDirLock.acquire(dataDir) : undefined;
    try {
      const db = await PGlite.create(dataDir ? `${dataDir}/pglite` : undefined, {
        parsers: { [INT8_OID]: (value: string) => BigInt(value) },
      });
      return new PGliteDatabase(db, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    return run<Row>(this.db, sql, params);
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: (sql, params = []) => run(tx, sql, params),
        exec: async (script) => {
          await tx.exec(script);
        },
      }),
    );
  }

  async listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>> {
    return this.db.listen(channel, handler);
  }

  async close(): Promise<void> {
    try {
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
