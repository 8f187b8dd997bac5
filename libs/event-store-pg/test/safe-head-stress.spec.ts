import { randomUUID } from 'node:crypto';
import { NewEvent, RecordedEvent, WrongExpectedRevisionError } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store-pg';
import { describeWithEnv, createTemporaryDatabase } from '@app/testing';

// The safe head under load: nothing at or below it may still commit. If it ever passed a position a
// running append later commits, a subscription (whose cursor jumps to the safe head after a short
// batch) or a reader following its last position would skip that event for good. Writers of every
// kind run together for WRITE_MS while readers follow the log; afterwards each reader must hold every
// committed event exactly once, in position order.

const WRITE_MS = 8_000;
const RARE = 'stress.rare_happened';

const event = (type = 'stress.thing_happened'): NewEvent => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  data: {},
  metadata: { actor: { kind: 'system', id: 'stress' }, correlationId: randomUUID(), occurredAt: '2025-01-02T03:04:05.000Z' },
});
const batch = (size: number): NewEvent[] => Array.from({ length: size }, () => event(Math.random() < 0.1 ? RARE : undefined));
const stream = (): string => `stress-${randomUUID()}`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number): number => low + Math.floor(Math.random() * (high - low + 1));

class Rollback extends Error {}

describeWithEnv('DATABASE_URL', 'PostgreSQL event store: the safe head under concurrent writers', (url) => {
  let database: Awaited<ReturnType<typeof createTemporaryDatabase>>;
  let store: PostgresEventStore;
  beforeAll(async () => {
    database = await createTemporaryDatabase(url, 'es_safehead');
    // Small batches and a short poll: many short batches, so many cursor jumps to the safe head.
    store = await PostgresEventStore.create(database.open(12), { subscriptions: { batchSize: 7, pollIntervalMs: 15 } });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('delivers every committed event exactly once, in position order, to subscriptions and log readers', async () => {
    const committed = new Set<string>();
    const rolledBack = new Set<string>();
    const counts = { heldCommits: 0, rollbacks: 0, lostRaces: 0, multiStream: 0 };
    const commit = (events: readonly NewEvent[]) => events.forEach((e) => committed.add(e.id));
    const deadline = Date.now() + WRITE_MS;
    const writing = () => Date.now() < deadline;

    // Each held transaction needs its own connection, as does the unrelated writer.
    const heldDb = database.open(4);
    const unrelatedDb = database.open(1);
    await unrelatedDb.exec('CREATE TABLE unrelated_writes (id uuid PRIMARY KEY)');

    const plainAppender = async () => {
      const target = stream();
      let expected: number | 'no_stream' = 'no_stream';
      while (writing()) {
        const events = batch(between(1, 3));
        expected = (await store.append(target, events, expected)).nextExpectedRevision;
        commit(events);
        await pause(between(0, 5));
      }
    };
    // Appends in a transaction that stays open (as a caller's longer transaction does), then commits or rolls back.
    const heldAppender = async () => {
      while (writing()) {
        const events = batch(between(1, 4));
        const rollBack = Math.random() < 0.35;
        try {
          await heldDb.transaction(async (tx) => {
            await store.appendInTransaction(tx, stream(), events, 'no_stream');
            await pause(between(10, 250));
            if (rollBack) throw new Rollback();
          });
          commit(events);
          counts.heldCommits++;
        } catch (error) {
          if (!(error instanceof Rollback)) throw error;
          events.forEach((e) => rolledBack.add(e.id));
          counts.rollbacks++;
        }
      }
    };
    const multiStreamAppender = async () => {
      while (writing()) {
        const appends = Array.from({ length: between(2, 3) }, () => ({
          stream: stream(),
          events: batch(between(1, 2)),
          expected: 'no_stream' as const,
        }));
        await store.appendToStreams(appends);
        appends.forEach((a) => commit(a.events));
        counts.multiStream++;
        await pause(between(0, 10));
      }
    };
    // Registrations of one email: racers for one stream, one wins, the others' allocated positions are holes.
    const racers = async () => {
      while (writing()) {
        const target = stream();
        await Promise.all(
          Array.from({ length: 5 }, async () => {
            const events = batch(1);
            try {
              await store.append(target, events, 'no_stream');
              commit(events);
            } catch (error) {
              if (!(error instanceof WrongExpectedRevisionError)) throw error;
              counts.lostRaces++;
            }
          }),
        );
        await pause(between(0, 20));
      }
    };
    // A write transaction that is not an append keeps pg_snapshot_xmin back, so the ended prefix lags
    // and the hole rule (step 2) decides the safe head most of the time.
    const unrelatedWriter = async () => {
      while (writing()) {
        await unrelatedDb.transaction(async (tx) => {
          await tx.query('INSERT INTO unrelated_writes (id) VALUES ($1)', [randomUUID()]);
          await pause(between(200, 700));
        });
      }
    };

    const delivered: RecordedEvent[] = [];
    const deliveredRare: RecordedEvent[] = [];
    const all = store.subscribeToAll({}, async (e) => void delivered.push(e));
    const rare = store.subscribeToAll({ typePrefixes: [RARE] }, async (e) => void deliveredRare.push(e));

    // Follows the log through readAll from the last position it read (never jumps).
    const followed: bigint[] = [];
    const follow = async () => {
      const after = followed.at(-1) ?? 0n;
      const read = await store.readAll({ after, maxCount: 40 });
      followed.push(...read.map((e) => e.position));
      return read.length;
    };
    // Jumps to headPosition() as a subscription jumps to the safe head: reads up to it, then moves there.
    const jumped: bigint[] = [];
    let jumpCursor = 0n;
    const jump = async () => {
      const head = await store.headPosition();
      const read = await store.readAll({ after: jumpCursor });
      jumped.push(...read.filter((e) => e.position <= head).map((e) => e.position));
      if (head > jumpCursor) jumpCursor = head;
    };
    const readers = (async () => {
      while (writing()) {
        await follow();
        await jump();
        await pause(between(0, 5));
      }
    })();

    await Promise.all([
      ...Array.from({ length: 3 }, plainAppender),
      ...Array.from({ length: 3 }, heldAppender),
      ...Array.from({ length: 2 }, multiStreamAppender),
      racers(),
      unrelatedWriter(),
      readers,
    ]);

    // Quiescence: none of this test's transactions is open, so the safe head must reach the last committed
    // position (a long transaction of another database on a shared server, begun before one of the
    // holes, may hold it back until it ends: hence the wait).
    const last = await store.lastCommittedPosition();
    for (let waited = 0; (await store.headPosition()) < last && waited < 10_000; waited += 20) await pause(20);
    expect(await store.headPosition()).toBe(last);
    while ((await follow()) > 0);
    await jump();

    const { rows } = await database
      .open(1)
      .query<{ position: bigint; id: string; type: string }>('SELECT position, id, type FROM event_store_events ORDER BY position');
    const positions = rows.map((row) => row.position);
    const rarePositions = rows.filter((row) => row.type === RARE).map((row) => row.position);
    const caughtUp = () => delivered.length >= positions.length && deliveredRare.length >= rarePositions.length;
    for (let waited = 0; !caughtUp() && waited < 5_000; waited += 20) await pause(20);
    await all.stop();
    await rare.stop();

    // The table holds exactly what the writers saw commit, nothing rolled back, with holes between.
    expect(new Set(rows.map((row) => row.id))).toEqual(committed);
    expect(rows.filter((row) => rolledBack.has(row.id))).toEqual([]);
    expect(positions.at(-1)).toBe(last);
    expect(Number(last)).toBeGreaterThan(positions.length);
    expect(counts.heldCommits).toBeGreaterThan(0);
    expect(counts.rollbacks).toBeGreaterThan(0);
    expect(counts.lostRaces).toBeGreaterThan(0);
    expect(counts.multiStream).toBeGreaterThan(0);

    expect(delivered.map((e) => e.position)).toEqual(positions);
    expect(deliveredRare.map((e) => e.position)).toEqual(rarePositions);
    expect(followed).toEqual(positions);
    expect(jumped).toEqual(positions);
    expect((await store.readAll()).map((e) => e.position)).toEqual(positions);
  }, 45_000);
});
