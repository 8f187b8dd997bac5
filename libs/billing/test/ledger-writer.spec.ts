import { randomUUID } from 'node:crypto';
import { LedgerWriter, ServiceTotals, usageEventVersions, usageLedgerStream, UsageRecord } from '@app/billing';
import { PGliteDatabase, SqlDatabase } from '@app/database';
import { EventCatalog, ManualClock } from '@app/ddd';
import { EventStore, verifyStreamIntegrity } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store-pg';
import { Metrics } from '@app/metrics';
import { createTemporaryDatabase, describeWithEnv } from '@app/testing';

// Two ledger writers on one database stand for two api instances: their only lock is the store's
// revision check, so every race between them goes through a conflict, a catch-up read and a new decision.

const clock = new ManualClock('2026-01-05T09:00:00.000Z');
const catalog = new EventCatalog().register(usageEventVersions);

/** The same store without the batched capabilities, as a writer sees EventStoreDB: one stream per call. */
function oneStreamAtATime(store: EventStore): EventStore {
  return {
    name: store.name,
    append: (stream, events, expected) => store.append(stream, events, expected),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    subscribeToAll: (options, handler) => store.subscribeToAll(options, handler),
    close: () => store.close(),
  };
}

const record = (idempotencyKey: string, amountMicros: number, occurredAt = '2026-01-05T08:00:00.000Z'): UsageRecord => ({
  idempotencyKey,
  service: 'chat',
  amountMicros,
  occurredAt,
});

function writersSharingOneLedger(name: string, open: () => Promise<{ first: SqlDatabase; second: SqlDatabase; close(): Promise<void> }>) {
  describe(name, () => {
    let databases: Awaited<ReturnType<typeof open>>;
    let stores: PostgresEventStore[];
    beforeAll(async () => {
      databases = await open();
      stores = [await PostgresEventStore.create(databases.first), new PostgresEventStore(databases.second)];
    }, 60_000);
    afterAll(async () => {
      for (const store of stores ?? []) await store.close();
      await databases?.close();
    });

    for (const variant of ['one append for all ledgers (appendToStreams)', 'one append per ledger']) {
      it(`loses no record and counts each key once under concurrent retries through two instances: ${variant}`, async () => {
        const view = (store: EventStore) => (variant.startsWith('one append for') ? store : oneStreamAtATime(store));
        const writers = stores.map((store) => new LedgerWriter(view(store), catalog, clock, new Metrics()));
        const account = randomUUID();
        const neighbour = randomUUID();
        // 12 batches of 40 records; batch b shares half of its keys with batch b - 1 (a retry seen twice).
        const keys = Array.from({ length: 12 * 20 + 20 }, () => randomUUID());
        const amounts = new Map(keys.map((key, index) => [key, 1_000 + index]));
        const batches = Array.from({ length: 12 }, (_, b) => keys.slice(b * 20, b * 20 + 40).map((key) => record(key, amounts.get(key)!)));

        const outcomes = await Promise.all(
          batches.flatMap((records, b) => [
            writers[b % 2].submit(account, '2026-01', records, `request-${b}`),
            writers[(b + 1) % 2].submit(neighbour, '2026-01', records.slice(0, 5), `request-${b}`),
          ]),
        );

        const forAccount = outcomes.filter((_, index) => index % 2 === 0);
        expect(forAccount.reduce((sum, outcome) => sum + outcome.accepted, 0)).toBe(keys.length);
        expect(forAccount.reduce((sum, outcome) => sum + outcome.duplicates, 0)).toBe(12 * 40 - keys.length);
        const ledger = await stores[0].readStream(usageLedgerStream(account, '2026-01'));
        const recorded = ledger.flatMap((event) => (event.data.records as UsageRecord[]).map((r) => r.idempotencyKey));
        expect(recorded.sort()).toEqual([...keys].sort());
        const totals = ledger[ledger.length - 1].data.totals as ServiceTotals;
        expect(totals.chat).toBe([...amounts.values()].reduce((sum, amount) => sum + amount, 0));
        expect(await verifyStreamIntegrity(stores[0], usageLedgerStream(account, '2026-01'))).toEqual({
          intact: true,
          events: ledger.length,
        });
        expect(await verifyStreamIntegrity(stores[0], usageLedgerStream(neighbour, '2026-01'))).toMatchObject({ intact: true });
      }, 60_000);
    }

    it('counts a key once across the months an instance did not write itself', async () => {
      const [one, two] = stores.map((store) => new LedgerWriter(store, catalog, clock, new Metrics()));
      const account = randomUUID();
      const key = randomUUID();
      await one.submit(account, '2025-12', [record(key, 7_000, '2025-12-31T23:59:59.000Z')], 'december');

      const moved = await two.submit(account, '2026-01', [record(key, 7_000, '2026-01-01T00:00:01.000Z')], 'january');

      expect(moved).toEqual({ accepted: 0, duplicates: 1, periodClosed: false });
      expect(await stores[0].readStream(usageLedgerStream(account, '2026-01'))).toEqual([]);
    });
  });
}

writersSharingOneLedger('usage ledger writers on PGlite', async () => {
  const db = await PGliteDatabase.open();
  return { first: db, second: db, close: () => db.close() };
});

describeWithEnv('DATABASE_URL', 'usage ledger writers on PostgreSQL', (url) => {
  writersSharingOneLedger('two connection pools', async () => {
    const database = await createTemporaryDatabase(url, 'ledger_writers');
    return { first: database.open(4), second: database.open(4), close: () => database.drop() };
  });
});
