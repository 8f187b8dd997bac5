import { PGliteDatabase, SqlDatabase } from '@app/database';
import { PostgresEventStore } from '@app/event-store-pg';
import { InProcessJobQueue, JobQueue, QueuedJob } from '@app/messaging';
import { ReadSide, ReadSideRegistry } from '@app/projections';

describe('read side: schedules of job workers', () => {
  let db: SqlDatabase;
  let store: PostgresEventStore;
  let queue: JobQueue;
  let handled: QueuedJob[];

  // One store for the file (a new PGlite costs about 0.9 s of CPU): the schedules live in each test's queue.
  beforeAll(async () => {
    db = await PGliteDatabase.open();
    store = await PostgresEventStore.create(db);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });
  beforeEach(() => {
    queue = new InProcessJobQueue();
    handled = [];
  });
  afterEach(() => queue.close());

  function readSide(): ReadSide {
    const registry = new ReadSideRegistry();
    registry.addJobWorker({
      queue: 'tidying',
      handler: async (job) => void handled.push(job),
      // everyMs runs its first occurrence at once: whether it ran tells whether it was scheduled.
      schedules: [{ name: 'tidy-up', schedule: { everyMs: 3_600_000 }, job: { name: 'tidy', payload: { batch: 500 } } }],
    });
    return new ReadSide(registry, db, store, queue);
  }

  async function jobsRunFor(ms: number): Promise<string[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return handled.map((job) => `${job.name} ${JSON.stringify(job.payload)}`);
  }

  it("schedules a worker's jobs where the worker runs", async () => {
    await readSide().start({ projections: false, reactions: false, workers: true });
    expect(await jobsRunFor(100)).toEqual(['tidy {"batch":500}']);
  });

  it('schedules nothing when told not to, while the worker still runs the jobs it is given', async () => {
    await readSide().start({ projections: false, reactions: false, workers: true, schedules: false });
    await queue.enqueue('tidying', 'tidy', { batch: 1 }, { jobId: 'by-hand' });
    expect(await jobsRunFor(100)).toEqual(['tidy {"batch":1}']);
  });

  it('schedules nothing in a process that does not run workers', async () => {
    await readSide().start({ projections: true, reactions: true, workers: false });
    queue.registerWorker('tidying', async (job) => void handled.push(job));
    expect(await jobsRunFor(100)).toEqual([]);
  });
});
