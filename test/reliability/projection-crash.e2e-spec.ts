import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PgDatabase } from '@app/database';
import { NewEvent } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store-pg';
import { InProcessJobQueue } from '@app/messaging';
import { ReadSide, ReadSideRegistry } from '@app/projections';
import { createTemporaryDatabase, describeWithEnv, TemporaryDatabase, until } from '@app/testing';
import { ledgerProjection } from './fixtures/ledger-projection';

const LEDGERS = 100;
/** 12,000 events: more than two of the runner's catch-up batches on PostgreSQL (5,000), so it is killed between two. */
const ENTRIES_PER_LEDGER = 120;

function entry(amount: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'ledger.entry_added',
    schemaVersion: 1,
    data: { amount },
    metadata: { actor: { kind: 'system', id: 'test' }, correlationId: randomUUID(), occurredAt: '2026-01-05T09:00:00.000Z' },
  };
}

function startWorker(databaseUrl: string): ChildProcess {
  const root = join(__dirname, '../..');
  return spawn(process.execPath, ['-r', join(root, 'test/support/swc-register.js'), join(__dirname, 'fixtures/ledger-worker.ts')], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

describeWithEnv('DATABASE_URL', 'a projection killed with SIGKILL mid catch-up (PostgreSQL)', (serverUrl) => {
  let temporary: TemporaryDatabase;
  let db: PgDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    temporary = await createTemporaryDatabase(serverUrl, 'crash');
    db = new PgDatabase(temporary.url);
    store = await PostgresEventStore.create(db);
    await ReadSide.migrate(db);
    for (let ledger = 0; ledger < LEDGERS; ledger++) {
      const events = Array.from({ length: ENTRIES_PER_LEDGER }, (_, i) => entry(ledger * 1000 + i));
      await store.append(`ledger-${ledger}`, events, 'no_stream');
    }
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await db?.close();
    await temporary?.drop();
  });

  const checkpoint = async () =>
    (
      await db.query<{ position: bigint }>(
        `SELECT position FROM projection_generations WHERE name = 'ledger-totals' ORDER BY generation DESC LIMIT 1`,
      )
    ).rows[0]?.position;
  const rows = async () =>
    (
      await db.query<{ ledger: string; entries: number; total: bigint; checksum: string }>(
        'SELECT ledger, entries, total, checksum FROM ledger_totals ORDER BY ledger',
      )
    ).rows;

  it('restarts from its checkpoint and ends exactly equal to a rebuild from zero', async () => {
    const head = await store.headPosition();
    const first = startWorker(temporary.url);
    const killedAt = await until(
      async () => {
        const position = await checkpoint();
        return position !== undefined && position > head / 4n && position < head ? position : undefined;
      },
      30_000,
      'the worker to be mid catch-up',
      5,
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const afterKill = (await checkpoint())!;
    process.stdout.write(`killed at checkpoint ${killedAt} (stored ${afterKill}) of ${head}\n`);
    expect(afterKill).toBeLessThan(head);

    const second = startWorker(temporary.url);
    await until(async () => ((await checkpoint()) === head ? true : undefined), 60_000, 'the restarted worker to catch up');
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    const afterRestart = await rows();
    expect(afterRestart).toHaveLength(LEDGERS);
    expect(afterRestart.every((row) => row.entries === ENTRIES_PER_LEDGER)).toBe(true);

    const registry = new ReadSideRegistry();
    registry.addProjection(ledgerProjection);
    const readSide = new ReadSide(registry, db, store, new InProcessJobQueue());
    await readSide.start();
    await readSide.projection('ledger-totals').rebuild();
    await readSide.settle(60_000);
    await readSide.stop();
    expect((await readSide.status()).projections[0].generation).toBeGreaterThan(1);
    expect(await rows()).toEqual(afterRestart);
  }, 120_000);
});
