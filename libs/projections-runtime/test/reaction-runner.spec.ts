import { randomUUID } from 'node:crypto';
import { PGliteDatabase, SqlDatabase } from '@app/database';
import { NewEvent } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store-pg';
import { InProcessJobQueue, JobQueue, QueuedJob } from '@app/messaging';
import { Reaction, ReadSide, ReadSideRegistry } from '@app/projections';

const welcome: Reaction = {
  name: 'welcome-mail',
  eventTypePrefixes: ['member.joined'],
  react: (event) => [{ queue: 'greetings', name: 'send-welcome', payload: { member: event.stream } }],
};

function joined(): NewEvent {
  return {
    id: randomUUID(),
    type: 'member.joined',
    schemaVersion: 1,
    data: {},
    metadata: { actor: { kind: 'system', id: 'test' }, correlationId: randomUUID(), occurredAt: '2026-01-05T09:00:00.000Z' },
  };
}

describe('reaction runner', () => {
  let db: SqlDatabase;
  let store: PostgresEventStore;
  let queue: JobQueue;
  let handled: QueuedJob[];

  beforeEach(async () => {
    db = await PGliteDatabase.open();
    store = await PostgresEventStore.create(db, { subscriptions: { pollIntervalMs: 50 } });
    queue = new InProcessJobQueue();
    handled = [];
  });
  afterEach(async () => {
    await queue.close();
    await store.close();
    await db.close();
  });

  function readSide(jobs: JobQueue = queue, events: PostgresEventStore = store): ReadSide {
    const registry = new ReadSideRegistry();
    registry.addReaction(welcome);
    registry.addJobWorker({ queue: 'greetings', handler: async (job) => void handled.push(job) });
    return new ReadSide(registry, db, events, jobs);
  }

  /** The queue, refusing every job until `comeBack()`, as a queue whose server is down would. */
  function refusingQueue(): { queue: JobQueue; comeBack(): void } {
    let accepting = false;
    const refusing = Object.create(queue) as JobQueue;
    refusing.enqueue = async (...args) => {
      if (!accepting) throw new Error('queue unreachable');
      return queue.enqueue(...args);
    };
    return { queue: refusing, comeBack: () => (accepting = true) };
  }

  async function drained(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const counts = await queue.counts('greetings');
      if (counts.waiting + counts.active + counts.delayed === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('queue not drained');
  }

  it('turns each event into its job, with an id derived from the event id', async () => {
    const side = readSide();
    await side.start();
    await store.append('member-1', [joined()], 'no_stream');
    await store.append('member-2', [joined()], 'no_stream');
    await side.settle();
    await drained();
    await side.stop();
    expect(handled.map((job) => job.payload)).toEqual([{ member: 'member-1' }, { member: 'member-2' }]);
    const [first] = await store.readStream('member-1');
    expect(handled[0].id).toBe(`welcome-mail/send-welcome/${first.id}`);
  });

  it('re-driving events after a lost checkpoint enqueues nothing twice', async () => {
    await store.append('member-1', [joined()], 'no_stream');
    const first = readSide();
    await first.start();
    await first.settle();
    await drained();
    await first.stop();
    // As if the process died after enqueueing but before storing its checkpoint.
    await db.query('DELETE FROM reaction_checkpoints');
    const second = readSide();
    await second.start({ workers: false }); // the queue already has its worker

    await second.settle();
    await drained();
    await second.stop();
    expect(handled).toHaveLength(1);
  });

  it('counts its lag from where its subscription has looked, not from a checkpoint far behind', async () => {
    const side = readSide();
    await side.start();
    for (let i = 0; i < 30; i++) await store.append(`other-${i}`, [{ ...joined(), type: 'member.left' }], 'no_stream');
    const head = await store.headPosition();
    const readAll = jest.spyOn(store, 'readAll');
    let countedAfter: bigint | undefined;
    for (let i = 0; i < 100 && countedAfter !== head; i++) {
      readAll.mockClear();
      expect((await side.status()).reactions[0]).toMatchObject({ lag: 0, position: '0' });
      countedAfter = readAll.mock.calls[0][0]?.after;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(countedAfter).toBe(head);
    await store.append('member-1', [joined()], 'no_stream');
    await side.settle();
    await drained();
    await side.stop();
    expect(handled.map((job) => job.payload)).toEqual([{ member: 'member-1' }]);
  });

  it('does not advance while the queue refuses jobs, and delivers them once it accepts again', async () => {
    const unreachable = refusingQueue();
    const side = readSide(unreachable.queue);
    await side.start();
    await store.append('member-1', [joined()], 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await side.status()).reactions[0]).toMatchObject({ lag: 1, position: '0' });
    unreachable.comeBack();
    await side.settle();
    await drained();
    await side.stop();
    expect(handled).toHaveLength(1);
  });

  it('follows the log again after the queue refused longer than the subscription retries, losing nothing', async () => {
    const impatient = await PostgresEventStore.create(db, { subscriptions: { pollIntervalMs: 50, handlerRetries: 1, retryDelayMs: 20 } });
    const unreachable = refusingQueue();
    const side = readSide(unreachable.queue, impatient);
    await side.start();
    await impatient.append('member-1', [joined()], 'no_stream');
    for (let i = 0; i < 100 && !(await side.status()).reactions[0].failed; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await side.status()).reactions[0].failed).toBe('queue unreachable');
    unreachable.comeBack();
    for (let i = 0; i < 200 && (await side.status()).reactions[0].lag > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await drained();
    expect((await side.status()).reactions[0]).toEqual({ name: 'welcome-mail', position: expect.any(String), lag: 0 });
    await side.stop();
    await impatient.close();
    expect(handled).toHaveLength(1);
  });
});
