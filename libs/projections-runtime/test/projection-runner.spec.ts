import { randomUUID } from 'node:crypto';
import { PgDatabase, PGliteDatabase, SqlDatabase } from '@app/database';
import { EventStore, NewEvent, RecordedEvent } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store-pg';
import { InProcessJobQueue } from '@app/messaging';
import { Projection, ReadSide, ReadSideRegistry } from '@app/projections';
import { createTemporaryDatabase, describeWithEnv, TemporaryDatabase } from '@app/testing';

/** Counts deposits per wallet; version 2 also counts them in cents, to show a rebuild on a version change. */
function walletProjection(version = 1): Projection {
  return {
    name: 'wallet-balances',
    version,
    eventTypePrefixes: ['wallet.'],
    tables: [
      {
        name: 'wallet_balances',
        ddl: `CREATE TABLE {{table}} (wallet text PRIMARY KEY, deposits integer NOT NULL, total bigint NOT NULL${version > 1 ? ', total_cents bigint NOT NULL' : ''})`,
      },
    ],
    async apply(event: RecordedEvent, tx, tables) {
      const amount = Number(event.data.amount);
      const columns =
        version > 1
          ? '(wallet, deposits, total, total_cents) VALUES ($1, 1, $2::bigint, $2::bigint * 100)'
          : '(wallet, deposits, total) VALUES ($1, 1, $2)';
      const update = version > 1 ? ', total_cents = t.total_cents + EXCLUDED.total_cents' : '';
      await tx.query(
        `INSERT INTO ${tables.wallet_balances} AS t ${columns}
         ON CONFLICT (wallet) DO UPDATE SET deposits = t.deposits + 1, total = t.total + EXCLUDED.total${update}`,
        [event.stream, amount],
      );
    },
  };
}

function deposit(amount: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'wallet.deposited',
    schemaVersion: 1,
    data: { amount },
    metadata: { actor: { kind: 'system', id: 'test' }, correlationId: randomUUID(), occurredAt: '2026-01-05T09:00:00.000Z' },
  };
}

async function depositMany(store: EventStore, wallets: string[], perWallet: number): Promise<void> {
  for (const wallet of wallets) {
    for (let i = 0; i < perWallet; i++) await store.append(wallet, [deposit(i + 1)], i === 0 ? 'no_stream' : i - 1);
  }
}

function runtimeBehaviour(openDatabase: () => Promise<{ db: SqlDatabase; close(): Promise<void> }>): void {
  let db: SqlDatabase;
  let store: PostgresEventStore;
  let close: () => Promise<void>;
  const readSides: ReadSide[] = [];

  beforeEach(async () => {
    ({ db, close } = await openDatabase());
    store = await PostgresEventStore.create(db, { subscriptions: { pollIntervalMs: 50 } });
    await ReadSide.migrate(db);
  });
  afterEach(async () => {
    for (const readSide of readSides.splice(0)) await readSide.stop();
    await store.close();
    await close();
  });

  function readSide(projection: Projection): ReadSide {
    const registry = new ReadSideRegistry();
    registry.addProjection(projection);
    const side = new ReadSide(registry, db, store, new InProcessJobQueue());
    readSides.push(side);
    return side;
  }

  const balances = async () =>
    (
      await db.query<{ wallet: string; deposits: number; total: bigint }>(
        'SELECT wallet, deposits, total FROM wallet_balances ORDER BY wallet',
      )
    ).rows;

  it('catches up on past events, then follows new ones live, and reports its lag', async () => {
    await depositMany(store, ['wallet-a', 'wallet-b'], 3);
    const side = readSide(walletProjection());
    await side.start();
    await side.settle();
    expect(await balances()).toEqual([
      { wallet: 'wallet-a', deposits: 3, total: 6n },
      { wallet: 'wallet-b', deposits: 3, total: 6n },
    ]);
    await store.append('wallet-a', [deposit(10)], 2);
    await side.settle();
    expect((await balances())[0]).toEqual({ wallet: 'wallet-a', deposits: 4, total: 16n });
    const [status] = (await side.status()).projections;
    expect(status).toMatchObject({ name: 'wallet-balances', version: 1, generation: 1, lag: 0 });
    expect(BigInt(status.position)).toBe(await store.headPosition());
  });

  it('counts its lag from where its live subscription has looked, past events it does not follow', async () => {
    await depositMany(store, ['wallet-a'], 1);
    const side = readSide(walletProjection());
    await side.start();
    await side.settle();
    const other = { ...deposit(1), type: 'ledger.noted' };
    for (let i = 0; i < 20; i++) await store.append(`ledger-${i}`, [{ ...other, id: randomUUID() }], 'no_stream');
    const head = await store.headPosition();
    const readAll = jest.spyOn(store, 'readAll');
    let countedAfter: bigint | undefined;
    for (let i = 0; i < 100 && countedAfter !== head; i++) {
      readAll.mockClear();
      expect((await side.status()).projections[0]).toMatchObject({ lag: 0 });
      countedAfter = readAll.mock.calls[0][0]?.after;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(countedAfter).toBe(head);
    await store.append('wallet-a', [deposit(5)], 0);
    await side.settle();
    expect(await balances()).toEqual([{ wallet: 'wallet-a', deposits: 2, total: 6n }]);
  });

  it('resumes from its checkpoint after a restart without applying anything twice', async () => {
    await depositMany(store, ['wallet-a'], 2);
    const first = readSide(walletProjection());
    await first.start();
    await first.settle();
    await first.stop();
    await depositMany(store, ['wallet-c'], 2);
    const second = readSide(walletProjection());
    await second.start();
    await second.settle();
    expect(await balances()).toEqual([
      { wallet: 'wallet-a', deposits: 2, total: 3n },
      { wallet: 'wallet-c', deposits: 2, total: 3n },
    ]);
  });

  it('applies each event once even with two runners of the same projection', async () => {
    await depositMany(store, ['wallet-a', 'wallet-b'], 5);
    const one = readSide(walletProjection());
    const two = readSide(walletProjection());
    await one.start();
    await two.start();
    await Promise.all([one.settle(), two.settle()]);
    expect(await balances()).toEqual([
      { wallet: 'wallet-a', deposits: 5, total: 15n },
      { wallet: 'wallet-b', deposits: 5, total: 15n },
    ]);
  });

  it('applies each event once when two runners of the same projection both follow it live', async () => {
    const one = readSide(walletProjection());
    const two = readSide(walletProjection());
    await one.start();
    await two.start();
    await Promise.all([one.settle(), two.settle()]);
    await depositMany(store, ['wallet-a'], 6); // each delivered to both live subscriptions
    await Promise.all([one.settle(), two.settle()]);
    expect(await balances()).toEqual([{ wallet: 'wallet-a', deposits: 6, total: 21n }]);
  });

  it('rebuilds from zero into a new generation with the same rows, serving the old ones meanwhile', async () => {
    await depositMany(store, ['wallet-a', 'wallet-b'], 4);
    const side = readSide(walletProjection());
    await side.start();
    await side.settle();
    const live = await balances();
    await side.projection('wallet-balances').rebuild();
    expect(await balances()).toEqual(live); // the old generation serves until the switch
    await side.settle();
    expect(await balances()).toEqual(live);
    expect((await side.status()).projections[0]).toMatchObject({ generation: 2, lag: 0 });
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'wallet_balances__g%' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual(['wallet_balances__g2']);
  });

  it('looks for the moment to switch to a rebuilt generation only once its catch-up has read everything', async () => {
    await depositMany(store, ['wallet-a', 'wallet-b'], 2);
    let holdBatches: Promise<void> | undefined;
    let batchHeld = () => undefined as void;
    const held: Projection = {
      ...walletProjection(),
      async applyBatch(events, tx, tables) {
        if (holdBatches) {
          batchHeld();
          await holdBatches;
        }
        for (const event of events) await this.apply(event, tx, tables);
      },
    };
    const side = readSide(held);
    await side.start();
    await side.settle();
    let release = () => undefined as void;
    holdBatches = new Promise((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (batchHeld = resolve));
    const readAll = jest.spyOn(store, 'readAll');
    // The switch's check reads one event past the generation's checkpoint; the catch-up reads batches.
    const switchChecks = () => readAll.mock.calls.filter(([options]) => options?.maxCount === 1).length;
    let checksWhileHeld: number;
    try {
      await side.projection('wallet-balances').rebuild();
      await entered;
      await new Promise((resolve) => setTimeout(resolve, 350));
      checksWhileHeld = switchChecks();
    } finally {
      holdBatches = undefined;
      release();
    }
    expect(checksWhileHeld).toBe(0);
    await side.settle();
    expect(switchChecks()).toBeGreaterThan(0);
    expect((await side.status()).projections[0]).toMatchObject({ generation: 2, lag: 0 });
    expect(await balances()).toEqual([
      { wallet: 'wallet-a', deposits: 2, total: 3n },
      { wallet: 'wallet-b', deposits: 2, total: 3n },
    ]);
  });

  it('fills a generation without its reader-only indexes and creates them before the views switch to it', async () => {
    const indexed: Projection = {
      ...walletProjection(),
      tables: [{ ...walletProjection().tables[0], indexes: 'CREATE INDEX IF NOT EXISTS {{table}}_by_total ON {{table}} (total)' }],
    };
    const indexesOf = async (table: string) =>
      (await db.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [table])).rows.map(
        (row) => row.indexname,
      );
    await depositMany(store, ['wallet-a', 'wallet-b'], 3);
    const side = readSide(indexed);
    await side.start();
    await side.settle();
    expect(await indexesOf('wallet_balances__g1')).toEqual(['wallet_balances__g1_by_total', 'wallet_balances__g1_pkey']);
    await side.projection('wallet-balances').rebuild();
    await side.settle();
    expect((await side.status()).projections[0]).toMatchObject({ generation: 2, lag: 0 });
    expect(await indexesOf('wallet_balances__g2')).toEqual(['wallet_balances__g2_by_total', 'wallet_balances__g2_pkey']);
    expect(await balances()).toEqual([
      { wallet: 'wallet-a', deposits: 3, total: 6n },
      { wallet: 'wallet-b', deposits: 3, total: 6n },
    ]);
  });

  it('rebuilds a generation without the tables a fill derives, fills them once caught up, then writes them live', async () => {
    const handed: string[][] = [];
    const base = walletProjection();
    const counted: Projection = {
      ...base,
      tables: [
        ...base.tables,
        {
          name: 'wallet_counts',
          ddl: 'CREATE TABLE {{table}} (wallet text PRIMARY KEY, deposits integer NOT NULL)',
          fill: 'INSERT INTO {{table}} (wallet, deposits) SELECT wallet, deposits FROM {{wallet_balances}}',
        },
      ],
      async applyBatch(events, tx, tables) {
        handed.push(Object.keys(tables).sort());
        for (const event of events) {
          await base.apply(event, tx, tables);
          if (tables.wallet_counts === undefined) continue;
          await tx.query(
            `INSERT INTO ${tables.wallet_counts} AS t (wallet, deposits) VALUES ($1, 1)
             ON CONFLICT (wallet) DO UPDATE SET deposits = t.deposits + 1`,
            [event.stream],
          );
        }
      },
    };
    const counts = async () =>
      (await db.query<{ wallet: string; deposits: number }>('SELECT wallet, deposits FROM wallet_counts ORDER BY wallet')).rows;
    await depositMany(store, ['wallet-a', 'wallet-b'], 3);
    const side = readSide(counted);
    await side.start();
    await side.settle();
    // The very first generation is read while it catches up: its folds write every table.
    expect(handed).toEqual([['wallet_balances', 'wallet_counts']]);
    expect(await counts()).toEqual([
      { wallet: 'wallet-a', deposits: 3 },
      { wallet: 'wallet-b', deposits: 3 },
    ]);

    await side.projection('wallet-balances').rebuild();
    await side.settle();
    expect(handed.slice(1)).toEqual([['wallet_balances']]); // the rebuild's one batch, behind the old views
    expect((await side.status()).projections[0]).toMatchObject({ generation: 2, lag: 0 });
    expect(await counts()).toEqual([
      { wallet: 'wallet-a', deposits: 3 },
      { wallet: 'wallet-b', deposits: 3 },
    ]);
    await store.append('wallet-a', [deposit(10)], 2);
    await side.settle();
    expect(handed[handed.length - 1]).toEqual(['wallet_balances', 'wallet_counts']); // live, once filled
    expect((await counts())[0]).toEqual({ wallet: 'wallet-a', deposits: 4 });
  });

  it("catches up without the events' data for a projection that reads none", async () => {
    const seen: unknown[] = [];
    const base = walletProjection();
    const counting: Projection = {
      ...base,
      readsData: false,
      async applyBatch(events, tx, tables) {
        for (const event of events) {
          seen.push(event.data);
          await tx.query(
            `INSERT INTO ${tables.wallet_balances} AS t (wallet, deposits, total) VALUES ($1, 1, 0)
             ON CONFLICT (wallet) DO UPDATE SET deposits = t.deposits + 1`,
            [event.stream],
          );
        }
      },
    };
    await depositMany(store, ['wallet-a'], 2);
    const side = readSide(counting);
    await side.start();
    await side.settle();
    expect(seen).toEqual([{}, {}]);
    expect(await balances()).toEqual([{ wallet: 'wallet-a', deposits: 2, total: 0n }]);
  });

  it('catches up with only the metadata fields a projection reads', async () => {
    const seen: unknown[] = [];
    const base = walletProjection();
    const picky: Projection = {
      ...base,
      readsMetadata: ['occurredAt'],
      async applyBatch(events, tx, tables) {
        for (const event of events) {
          seen.push(event.metadata);
          await base.apply(event, tx, tables);
        }
      },
    };
    await depositMany(store, ['wallet-a'], 2);
    const side = readSide(picky);
    await side.start();
    await side.settle();
    expect(seen).toEqual([{ occurredAt: '2026-01-05T09:00:00.000Z' }, { occurredAt: '2026-01-05T09:00:00.000Z' }]);
    expect(await balances()).toEqual([{ wallet: 'wallet-a', deposits: 2, total: 3n }]);
  });

  it('reads the next batch of its catch-up while it applies the one before', async () => {
    await depositMany(store, ['wallet-a'], 5);
    const read = store.readAll.bind(store);
    const readsAfter: (bigint | undefined)[] = [];
    // Batches of two, so that five events take three.
    jest.spyOn(store, 'readAll').mockImplementation((options = {}) => {
      if ((options.maxCount ?? Infinity) <= 1) return read(options);
      readsAfter.push(options.after);
      return read({ ...options, maxCount: 2 });
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const applied: bigint[] = [];
    const base = walletProjection();
    const held: Projection = {
      ...base,
      async applyBatch(events, tx, tables) {
        if (applied.length === 0) await released;
        for (const event of events) await base.apply(event, tx, tables);
        applied.push(events[events.length - 1].position);
      },
    };
    const [, second] = (await read()).filter((event) => event.stream === 'wallet-a').map((event) => event.position);
    const side = readSide(held);
    await side.start();
    try {
      for (let waited = 0; !readsAfter.includes(second) && waited < 2_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      expect(applied).toEqual([]); // the first batch is still being applied
      expect(readsAfter).toContain(second); // and the batch after it is being read already
    } finally {
      release();
    }
    await side.settle();
    expect(await balances()).toEqual([{ wallet: 'wallet-a', deposits: 5, total: 15n }]);
  });

  it('rebuilds on a version change and switches the views to the new columns when caught up', async () => {
    await depositMany(store, ['wallet-a'], 3);
    const v1 = readSide(walletProjection(1));
    await v1.start();
    await v1.settle();
    await v1.stop();
    const v2 = readSide(walletProjection(2));
    await v2.start();
    await v2.settle();
    const { rows } = await db.query('SELECT wallet, deposits, total, total_cents FROM wallet_balances');
    expect(rows).toEqual([{ wallet: 'wallet-a', deposits: 3, total: 6n, total_cents: 600n }]);
    expect((await v2.status()).projections[0]).toMatchObject({ version: 2, generation: 2 });
  });

  it('catches up in transactions of 5,000 events on a server and of 1,000 on PGlite', async () => {
    for (let revision = 0; revision < 5_500; revision += 500) {
      const events = Array.from({ length: 500 }, (_, i) => deposit(revision + i + 1));
      await store.append('wallet-a', events, revision === 0 ? 'no_stream' : revision - 1);
    }
    const batchSizes: number[] = [];
    const counted: Projection = {
      ...walletProjection(),
      async applyBatch(events, tx, tables) {
        batchSizes.push(events.length);
        for (const event of events) await this.apply(event, tx, tables);
      },
    };
    const side = readSide(counted);
    await side.start();
    await side.settle(30_000);
    expect(batchSizes).toEqual(db.driver === 'pglite' ? [1_000, 1_000, 1_000, 1_000, 1_000, 500] : [5_000, 500]);
    expect(await balances()).toEqual([{ wallet: 'wallet-a', deposits: 5_500, total: BigInt((5_500 * 5_501) / 2) }]);
  }, 60_000);

  it('ignores events its prefixes do not name', async () => {
    await store.append('other-1', [{ ...deposit(1), type: 'other.happened' }], 'no_stream');
    const side = readSide(walletProjection());
    await side.start();
    await side.settle();
    expect(await balances()).toEqual([]);
  });
}

describe('projection runtime on PGlite', () =>
  runtimeBehaviour(async () => {
    const db = await PGliteDatabase.open();
    return { db, close: () => db.close() };
  }));

describeWithEnv('DATABASE_URL', 'projection runtime on PostgreSQL', (serverUrl) => {
  let temporary: TemporaryDatabase;
  runtimeBehaviour(async () => {
    temporary = await createTemporaryDatabase(serverUrl, 'projections');
    const db = new PgDatabase(temporary.url);
    return {
      db,
      close: async () => {
        await db.close();
        await temporary.drop();
      },
    };
  });

  it('commits the batches of a generation that is not active yet without waiting for the flush, and the active one with', async () => {
    const database = await createTemporaryDatabase(serverUrl, 'projection_commits');
    const db = new PgDatabase(database.url);
    const store = await PostgresEventStore.create(db, { subscriptions: { pollIntervalMs: 50 } });
    await ReadSide.migrate(db);
    // Records, per event, how the transaction that applied it commits.
    const commitModes: Projection = {
      name: 'commit-modes',
      version: 1,
      eventTypePrefixes: ['wallet.'],
      tables: [{ name: 'commit_modes', ddl: 'CREATE TABLE {{table}} (position bigint PRIMARY KEY, synchronous_commit text NOT NULL)' }],
      async apply(event, tx, tables) {
        await tx.query(`INSERT INTO ${tables.commit_modes} VALUES ($1, current_setting('synchronous_commit'))`, [event.position]);
      },
    };
    const sides: ReadSide[] = [];
    const started = async () => {
      const registry = new ReadSideRegistry();
      registry.addProjection(commitModes);
      const side = new ReadSide(registry, db, store, new InProcessJobQueue());
      sides.push(side);
      await side.start();
      await side.settle();
      return side;
    };
    const modes = async () =>
      (await db.query<{ synchronous_commit: string }>('SELECT synchronous_commit FROM commit_modes ORDER BY position')).rows.map(
        (row) => row.synchronous_commit,
      );
    try {
      await depositMany(store, ['wallet-a'], 2);
      const first = await started(); // the first generation fills from zero, then becomes the active one
      expect(await modes()).toEqual(['off', 'off']);
      await store.append('wallet-a', [deposit(3)], 1); // followed live
      await first.settle();
      await first.stop();
      await store.append('wallet-a', [deposit(4)], 2); // caught up into the active generation at the restart
      const second = await started();
      expect(await modes()).toEqual(['off', 'off', 'on', 'on']);

      await second.projection('commit-modes').rebuild();
      await second.settle();

      expect((await second.status()).projections[0]).toMatchObject({ generation: 2, lag: 0 });
      expect(await modes()).toEqual(['off', 'off', 'off', 'off']);
    } finally {
      for (const side of sides) await side.stop();
      await store.close();
      await db.close();
      await database.drop();
    }
  }, 30_000);
});
