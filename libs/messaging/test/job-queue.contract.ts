import { InvalidJobError, JobQueue, QueueClosedError, QueuedJob } from '@app/messaging';
import { eventually, sleep, uniqueName } from './eventually';

/** The behaviour every JobQueue adapter promises; run by one spec per adapter. */
export function jobQueueContract(open: () => JobQueue | Promise<JobQueue>): void {
  let jobs: JobQueue;
  let queueName: string;
  const runs: Array<QueuedJob & { at: number }> = [];
  const record = async (job: QueuedJob): Promise<void> => void runs.push({ ...job, at: Date.now() });

  beforeEach(async () => {
    jobs = await open();
    queueName = uniqueName('contract');
    runs.length = 0;
  });
  afterEach(() => jobs.close());

  it('runs an enqueued job once, with its payload', async () => {
    jobs.registerWorker(queueName, record);
    await jobs.enqueue(queueName, 'welcome-email', { accountId: 'a-1' }, { jobId: 'welcome-email:e-1' });

    await eventually(() => expect(runs).toHaveLength(1));
    await sleep(200);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ queueName, id: 'welcome-email:e-1', name: 'welcome-email', payload: { accountId: 'a-1' }, attempt: 1 });
    expect(await jobs.counts(queueName)).toMatchObject({ completed: 1, failed: 0, waiting: 0, active: 0 });
  });

  it('runs a job id once, whether it is enqueued again while waiting or after it completed', async () => {
    await jobs.enqueue(queueName, 'mail', { n: 1 }, { jobId: 'mail:e-2' });
    await jobs.enqueue(queueName, 'mail', { n: 2 }, { jobId: 'mail:e-2' });
    jobs.registerWorker(queueName, record);
    await eventually(() => expect(runs).toHaveLength(1));
    await jobs.enqueue(queueName, 'mail', { n: 3 }, { jobId: 'mail:e-2' });

    await sleep(300);
    expect(runs.map((run) => run.payload)).toEqual([{ n: 1 }]);
  });

  it('keeps distinct job ids distinct, even those BullMQ cannot store as they are', async () => {
    const ids = ['a:b', 'a%3Ab', 'a_b', '42', '%342', 'x:1:2'];
    jobs.registerWorker(queueName, record, { concurrency: 3 });
    for (const id of ids) await jobs.enqueue(queueName, 'job', { id }, { jobId: id });

    await eventually(() => expect(runs).toHaveLength(ids.length));
    expect(runs.map((run) => run.id).sort()).toEqual([...ids].sort());
    expect(runs.every((run) => run.id === (run.payload as { id: string }).id)).toBe(true);
  });

  it('hands the worker a JSON copy of the payload and refuses one that JSON cannot carry', async () => {
    const payload = { items: ['a'] };
    await jobs.enqueue(queueName, 'job', payload, { jobId: 'copy' });
    payload.items.push('changed after enqueue');
    jobs.registerWorker(queueName, record);

    await eventually(() => expect(runs).toHaveLength(1));
    expect(runs[0].payload).toEqual({ items: ['a'] });
    await expect(jobs.enqueue(queueName, 'job', { amount: 1n }, { jobId: 'bigint' })).rejects.toBeInstanceOf(InvalidJobError);
    await expect(jobs.enqueue(queueName, 'job', {}, { jobId: '' })).rejects.toBeInstanceOf(InvalidJobError);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    jobs.registerWorker(queueName, async (job) => {
      await record(job);
      if (job.attempt < 3) throw new Error(`smtp down (attempt ${job.attempt})`);
    });
    await jobs.enqueue(queueName, 'mail', {}, { jobId: 'retry-me', attempts: 5, backoff: { type: 'exponential', delayMs: 150 } });

    await eventually(async () => expect(await jobs.counts(queueName)).toMatchObject({ completed: 1 }));
    expect(runs.map((run) => [run.attempt, run.maxAttempts])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
    ]);
    expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(140);
    expect(runs[2].at - runs[1].at).toBeGreaterThanOrEqual(290);
    expect(await jobs.failedJobs(queueName)).toEqual([]);
  });

  it('keeps a job that failed every attempt in the failed list with its last error, until retried', async () => {
    let healthy = false;
    jobs.registerWorker(queueName, async (job) => {
      await record(job);
      if (!healthy) throw new Error(`boom ${job.attempt}`);
    });
    await jobs.enqueue(
      queueName,
      'invoice',
      { period: '2026-01' },
      { jobId: 'close:2026-01', attempts: 2, backoff: { type: 'fixed', delayMs: 50 } },
    );

    await eventually(async () => expect(await jobs.failedJobs(queueName)).toHaveLength(1));
    const [failed] = await jobs.failedJobs(queueName);
    expect(failed).toMatchObject({
      id: 'close:2026-01',
      name: 'invoice',
      payload: { period: '2026-01' },
      error: 'boom 2',
      attemptsMade: 2,
    });
    expect(failed.failedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await jobs.counts(queueName)).toMatchObject({ failed: 1, completed: 0 });

    // A failed job still holds its id: enqueuing it again does nothing; retrying it does.
    await jobs.enqueue(queueName, 'invoice', { period: '2026-01' }, { jobId: 'close:2026-01' });
    await sleep(200);
    expect(runs).toHaveLength(2);
    healthy = true;
    expect(await jobs.retryFailed(queueName, 'close:2026-01')).toBe(1);
    await eventually(async () => expect(await jobs.counts(queueName)).toMatchObject({ failed: 0, completed: 1 }));
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 1]);
  });

  it('runs a delayed job after its delay, not before', async () => {
    jobs.registerWorker(queueName, record);
    const enqueuedAt = Date.now();
    await jobs.enqueue(queueName, 'reminder', {}, { jobId: 'later', delayMs: 800 });

    await sleep(400);
    expect(runs).toHaveLength(0);
    expect(await jobs.counts(queueName)).toMatchObject({ delayed: 1 });
    await eventually(() => expect(runs).toHaveLength(1), 5000);
    expect(runs[0].at - enqueuedAt).toBeGreaterThanOrEqual(790);
  });

  // A timer holds at most 2^31 - 1 ms (24.8 days); a longer delay used to fire after 1 ms instead.
  it('keeps a job delayed by 30 days delayed', async () => {
    jobs.registerWorker(queueName, record);
    await jobs.enqueue(queueName, 'erase', {}, { jobId: 'erase-later', delayMs: 30 * 24 * 3600_000 });

    await sleep(300);
    expect(runs).toHaveLength(0);
    expect(await jobs.counts(queueName)).toMatchObject({ delayed: 1, waiting: 0, active: 0, completed: 0 });
  });

  it('waits for an occurrence of a schedule 60 days ahead, enqueueing nothing before it', async () => {
    jobs.registerWorker(queueName, record);
    const ahead = new Date(Date.now() + 60 * 24 * 3600_000);
    const yearly = `0 0 ${ahead.getUTCDate()} ${ahead.getUTCMonth() + 1} *`;
    await jobs.upsertSchedule(queueName, 'yearly', { cron: yearly }, { name: 'close-year', payload: null });

    await sleep(300);
    expect(runs).toHaveLength(0);
    expect(await jobs.counts(queueName)).toMatchObject({ waiting: 0, active: 0, completed: 0 });
  });

  it('runs at most `concurrency` jobs of a queue at once', async () => {
    let running = 0;
    let peak = 0;
    jobs.registerWorker(
      queueName,
      async (job) => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(150);
        running -= 1;
        await record(job);
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 6; i += 1) await jobs.enqueue(queueName, 'work', { i }, { jobId: `work-${i}` });

    await eventually(() => expect(runs).toHaveLength(6));
    expect(peak).toBe(2);
  });

  it('enqueues a job on every occurrence of a schedule', async () => {
    jobs.registerWorker(queueName, record);
    await jobs.upsertSchedule(queueName, 'sweep', { everyMs: 300 }, { name: 'sweep-sessions', payload: { kind: 'sessions' } });

    await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(3), 5000);
    expect(runs.every((run) => run.name === 'sweep-sessions' && (run.payload as { kind: string }).kind === 'sessions')).toBe(true);
    expect(new Set(runs.map((run) => run.id)).size).toBe(runs.length);
  });

  it('evaluates cron schedules (with seconds) in UTC by default', async () => {
    jobs.registerWorker(queueName, record);
    await jobs.upsertSchedule(queueName, 'tick', { cron: '* * * * * *' }, { name: 'tick', payload: null });

    await eventually(() => expect(runs.length).toBeGreaterThanOrEqual(2), 5000);
  });

  it('on close, lets the running job finish, starts no other, and refuses new jobs', async () => {
    let finished = 0;
    jobs.registerWorker(queueName, async (job) => {
      await record(job);
      await sleep(400);
      finished += 1;
    });
    await jobs.enqueue(queueName, 'slow', {}, { jobId: 'slow-1' });
    await jobs.enqueue(queueName, 'slow', {}, { jobId: 'slow-2' });
    await eventually(() => expect(runs).toHaveLength(1));

    await jobs.close();
    expect(finished).toBe(1);
    await sleep(100);
    expect(runs).toHaveLength(1);
    await expect(jobs.enqueue(queueName, 'slow', {}, { jobId: 'slow-3' })).rejects.toBeInstanceOf(QueueClosedError);
  });
}
