import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, DataDirLock, migrate, PgDatabase, PGliteDatabase, SqlDatabase, SqlExecutor } from '@app/database';
import { PREPARED_STATEMENTS } from '../src/pglite-statements';
import { Client } from 'pg';
import { createTemporaryDatabase, describeWithEnv, TemporaryDatabase } from '@app/testing';

function databaseBehaviour(open: () => Promise<SqlDatabase>, cleanUp: () => Promise<void> = async () => undefined): void {
  let db: SqlDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
    await cleanUp();
  });

  it('applies each migration once, even when run twice', async () => {
    const migrations = [{ id: 'db-spec/001', sql: 'CREATE TABLE db_spec_items (n bigint, doc jsonb); CREATE INDEX ON db_spec_items (n)' }];
    expect(await migrate(db, migrations)).toEqual(['db-spec/001']);
    expect(await migrate(db, migrations)).toEqual([]);
  });

  it('reads int8 as bigint and jsonb as parsed JSON on this driver', async () => {
    await db.query('INSERT INTO db_spec_items (n, doc) VALUES ($1, $2)', [9007199254740993n, JSON.stringify([1, { a: 'b' }])]);
    const { rows } = await db.query<{ n: bigint; doc: unknown }>('SELECT n, doc FROM db_spec_items');
    expect(rows).toEqual([{ n: 9007199254740993n, doc: [1, { a: 'b' }] }]);
  });

  it('rolls a transaction back when its work throws', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO db_spec_items (n) VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await db.query<{ count: bigint }>('SELECT count(*) AS count FROM db_spec_items');
    expect(rows[0].count).toBe(1n);
  });

  it('runs a prepared statement again with other parameters, in and out of a transaction', async () => {
    const sql = 'SELECT $1::bigint * 2 AS doubled';
    const doubled = async (executor: SqlExecutor, n: bigint) =>
      (await executor.query<{ doubled: bigint }>(sql, [n], { prepare: true })).rows[0].doubled;
    expect(await doubled(db, 2n)).toBe(4n);
    expect(await doubled(db, 5n)).toBe(10n);
    expect(await db.transaction(async (tx) => [await doubled(tx, 7n), await doubled(tx, 8n)])).toEqual([14n, 16n]);
  });

  it("runs a transaction's first statement with it, its parameters as they are, and gives its rows to the work", async () => {
    await db.exec('CREATE TABLE db_spec_first (n bigint, small integer, label text, flag boolean, missing text)');
    const label = `it's a \\ back\\slash, $1 and ''`;
    const first = {
      sql: 'INSERT INTO db_spec_first VALUES ($1, $2, $3, $4, $5) RETURNING n, small, label, flag, missing',
      params: [9007199254740993n, -5, label, true, null],
    };
    const seen = await db.transaction(
      async (tx, { rows, rowCount }) => {
        const { rows: inside } = await tx.query<{ count: bigint }>('SELECT count(*) AS count FROM db_spec_first');
        return { rows, rowCount, inside: inside[0].count };
      },
      { first },
    );
    expect(seen).toEqual({ rows: [{ n: 9007199254740993n, small: -5, label, flag: true, missing: null }], rowCount: 1, inside: 1n });
    await expect(
      db.transaction(
        async () => {
          throw new Error('boom');
        },
        { first },
      ),
    ).rejects.toThrow('boom');
    const { rows } = await db.query<{ count: bigint }>('SELECT count(*) AS count FROM db_spec_first');
    expect(rows[0].count).toBe(1n);
  });

  it('delivers notifications to listeners', async () => {
    const received = new Promise<string>((resolve) => void db.listen('db_spec_channel', resolve));
    await new Promise((r) => setTimeout(r, 50));
    await db.query(`SELECT pg_notify('db_spec_channel', 'hello')`);
    await expect(received).resolves.toBe('hello');
  });
}

describe('PGlite database', () => databaseBehaviour(() => PGliteDatabase.open()));

describe('PGlite database, one thread with everything else', () => {
  it('lets the event loop turn (timers fire) during a long loop of statements, in and out of a transaction', async () => {
    const db = await PGliteDatabase.open();
    try {
      const ticksDuring = async (loop: () => Promise<void>) => {
        let ticks = 0;
        const interval = setInterval(() => ticks++, 5);
        try {
          const started = performance.now();
          await loop();
          return { ticks, ms: performance.now() - started };
        } finally {
          clearInterval(interval);
        }
      };
      const outside = await ticksDuring(async () => {
        for (let i = 0; i < 2_000; i++) await db.query('SELECT 1');
      });
      const inside = await ticksDuring(() =>
        db.transaction(async (tx) => {
          for (let i = 0; i < 2_000; i++) await tx.query('SELECT 1');
        }),
      );
      // Without the turns the interval fires 0 times: the statements settle in microtasks only.
      for (const loop of [outside, inside]) expect(loop.ticks).toBeGreaterThanOrEqual(Math.floor(loop.ms / 100));
    } finally {
      await db.close();
    }
  });
});

describe('PGlite database, every statement prepared', () => {
  let db: PGliteDatabase;
  beforeEach(async () => {
    db = await PGliteDatabase.open();
  });
  afterEach(() => db.close());

  const preparedCount = async () => Number((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM pg_prepared_statements')).rows[0].n);

  it('serialises parameters by the types the server gives them, nulls and arrays included', async () => {
    const { rows } = await db.query<{ n: bigint; doc: unknown; hit: boolean; none: string | null }>(
      'SELECT $1::bigint + 1 AS n, $2::jsonb AS doc, $3 = ANY($4::text[]) AS hit, $5::text AS none',
      [9007199254740993n, JSON.stringify({ a: [1, 'b'] }), 'y', ['x', 'y', 'a,"b"'], null],
    );
    expect(rows).toEqual([{ n: 9007199254740994n, doc: { a: [1, 'b'] }, hit: true, none: null }]);
  });

  it('prepares a text once, and keeps it through a rolled-back transaction', async () => {
    const sql = 'SELECT $1::integer * 3 AS tripled';
    const before = await preparedCount();
    expect((await db.query<{ tripled: number }>(sql, [2])).rows).toEqual([{ tripled: 6 }]);
    await expect(
      db.transaction(async (tx) => {
        expect((await tx.query<{ tripled: number }>(sql, [3])).rows).toEqual([{ tripled: 9 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await db.query<{ tripled: number }>(sql, [4])).rows).toEqual([{ tripled: 12 }]);
    // three runs, one statement (the count's own was prepared when `before` was taken)
    expect((await preparedCount()) - before).toBe(1);
  });

  it('keeps at most PREPARED_STATEMENTS prepared, closing the least recently used', async () => {
    for (let i = 0; i < PREPARED_STATEMENTS + 20; i++) {
      expect((await db.query<{ n: number }>(`SELECT ${i} AS n`)).rows).toEqual([{ n: i }]);
    }
    expect(await preparedCount()).toBe(PREPARED_STATEMENTS);
  });

  it('prepares a statement again after a DDL changed the columns it returns', async () => {
    await db.exec('CREATE TABLE db_spec_shape (a integer); INSERT INTO db_spec_shape VALUES (1)');
    expect((await db.query('SELECT * FROM db_spec_shape')).rows).toEqual([{ a: 1 }]);
    await db.exec("ALTER TABLE db_spec_shape ADD COLUMN b text DEFAULT 'x'");
    expect((await db.query('SELECT * FROM db_spec_shape')).rows).toEqual([{ a: 1, b: 'x' }]);
    expect((await db.transaction((tx) => tx.query('SELECT * FROM db_spec_shape'))).rows).toEqual([{ a: 1, b: 'x' }]);
    // Inside a transaction the error has aborted it: it is the caller's, and the next attempt prepares again.
    await db.exec('ALTER TABLE db_spec_shape DROP COLUMN b');
    await expect(db.transaction((tx) => tx.query('SELECT * FROM db_spec_shape'))).rejects.toThrow(
      /cached plan must not change result type/,
    );
    expect((await db.transaction((tx) => tx.query('SELECT * FROM db_spec_shape'))).rows).toEqual([{ a: 1 }]);
  });

  it('answers the next statement after one that failed, in and out of a transaction', async () => {
    await db.exec('CREATE TABLE db_spec_unique (k text PRIMARY KEY)');
    const insert = 'INSERT INTO db_spec_unique (k) VALUES ($1)';
    await db.query(insert, ['a']);
    await expect(db.query(insert, ['a'])).rejects.toMatchObject({ code: '23505' });
    await expect(db.transaction((tx) => tx.query(insert, ['a']))).rejects.toMatchObject({ code: '23505' });
    await db.query(insert, ['b']);
    const { rows } = await db.query<{ k: string }>('SELECT k FROM db_spec_unique ORDER BY k');
    expect(rows).toEqual([{ k: 'a' }, { k: 'b' }]);
  });

  it('refuses a statement on a transaction that has ended', async () => {
    let kept: SqlExecutor | undefined;
    await db.transaction(async (tx) => {
      kept = tx;
    });
    await expect(kept!.query('SELECT 1')).rejects.toThrow('Transaction is closed');
  });
});

describeWithEnv('DATABASE_URL', 'PostgreSQL database', (serverUrl) => {
  let temporary: TemporaryDatabase;
  databaseBehaviour(
    async () => {
      temporary = await createTemporaryDatabase(serverUrl, 'database_spec');
      return new PgDatabase(temporary.url);
    },
    () => temporary.drop(),
  );

  it('keeps a prepared statement on its connection, and only when asked', async () => {
    const db = new PgDatabase(temporary.url, { maxConnections: 1 });
    try {
      const prepared = 'SELECT $1::integer + 1 AS next';
      const unprepared = 'SELECT $1::integer + 2 AS next';
      await db.query(prepared, [1], { prepare: true });
      await db.query(unprepared, [1]);
      const { rows } = await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
      expect(rows.map((row) => row.statement)).toEqual([prepared]);
    } finally {
      await db.close();
    }
  });

  it("sends BEGIN with a transaction's first statement, in one round trip, and refuses a parameter it cannot write", async () => {
    const db = new PgDatabase(temporary.url, { maxConnections: 1 });
    const sent = jest.spyOn(Client.prototype, 'query');
    try {
      const total = await db.transaction(
        async (tx, first) => (first.rows[0].one as number) + (await tx.query<{ two: number }>('SELECT 2 AS two')).rows[0].two,
        { first: { sql: 'SELECT $1::integer AS one', params: [1] } },
      );
      expect(total).toBe(3);
      expect(sent.mock.calls.map(([query]) => query)).toEqual(["BEGIN; SELECT '1'::integer AS one", 'SELECT 2 AS two', 'COMMIT']);
      for (const value of [1.5, new Date(), { a: 1 }, Buffer.from('x')])
        await expect(db.transaction(async () => undefined, { first: { sql: 'SELECT $1 AS v', params: [value] } })).rejects.toThrow(
          TypeError,
        );
      await expect(db.transaction(async () => undefined, { first: { sql: 'SELECT $2 AS v', params: [1] } })).rejects.toThrow(RangeError);
    } finally {
      sent.mockRestore();
      await db.close();
    }
  });

  it('listens again after its listening connection was lost', async () => {
    const db = new PgDatabase(temporary.url);
    try {
      const received: string[] = [];
      await db.listen('db_spec_reconnect', (payload) => void received.push(payload));
      const terminated = await db.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN "db_spec_reconnect"' AND datname = current_database()`,
      );
      expect(terminated.rowCount).toBe(1);
      for (let attempt = 0; attempt < 100 && received.length === 0; attempt++) {
        await db.query(`SELECT pg_notify('db_spec_reconnect', 'after')`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(received).toContain('after');
    } finally {
      await db.close();
    }
  });
});

describe('data directory lock', () => {
  it('refuses a second owner while the first is alive, and takes over a stale lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    try {
      const lock = DataDirLock.acquire(dir);
      const { writeFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
      // A lock held by another live process (our parent) is refused.
      writeFileSync(join(dir, 'LOCK'), String(process.ppid));
      expect(() => DataDirLock.acquire(dir)).toThrow(DataDirInUseError);
      // A lock naming a dead process is stale and taken over.
      writeFileSync(join(dir, 'LOCK'), '999999999');
      const second = DataDirLock.acquire(dir);
      second.release();
      lock.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
