import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgDatabase, PGliteDatabase, SqlDatabase } from '@app/database';
import { createJobQueue, QueuedJob, SqlJobQueue } from '@app/messaging';
import { createTemporaryDatabase, describeWithEnv, TemporaryDatabase } from '@app/testing';
import { eventually, sleep, uniqueName } from './eventually';
import { jobQueueContract } from './job-queue.contract';

const root = join(__dirname, '..', '..', '..');

describe('SQL job queue on PGlite', () => {
  let db: PGliteDatabase;
  beforeAll(async () => {
    db = await PGliteDatabase.open();
  });
  afterAll(() => db.close());

  jobQueueContract(() => SqlJobQueue.create(db));

  it('forgets a completed job id after the retention window (the id can run again), then deletes its row', async () => {
    const queueName = uniqueName('retention');
    const jobs = await SqlJobQueue.create(db, { completedRetentionSeconds: 0.2 });
    const runs: QueuedJob[] = [];
    jobs.registerWorker(queueName, async (job) => void runs.push(job));
    try {
      await jobs.enqueue(queueName, 'mail', { n: 1 }, { jobId: 'same' });
      await eventually(() => expect(runs).toHaveLength(1));
      await jobs.enqueue(queueName, 'mail', { n: 2 }, { jobId: 'same' });
      await sleep(300);
      await jobs.enqueue(queueName, 'mail', { n: 3 }, { jobId: 'same' });
      await eventually(() => expect(runs).toHaveLength(2));
      expect(runs.map((run) => [run.payload, run.attempt])).toEqual([
        [{ n: 1 }, 1],
        [{ n: 3 }, 1],
      ]);
    } finally {
      await jobs.close();
    }

    await sleep(300);
    const sweeper = await SqlJobQueue.create(db, { completedRetentionSeconds: 0.2 });
    await eventually(async () => expect(await rowsOf(db, queueName)).toBe(0));
    await sweeper.close();
  });

  it('looks for due jobs once per poll for all its idle workers, and runs what another process enqueued', async () => {
    const queries: string[] = [];
    const counting = Object.create(db) as PGliteDatabase & { query: SqlDatabase['query'] };
    counting.query = (sql, params) => {
      queries.push(sql);
      return db.query(sql, params);
    };
    const jobs = await SqlJobQueue.create(counting, { pollIntervalMs: 40 });
    const names = Array.from({ length: 8 }, () => uniqueName('idle'));
    const runs: QueuedJob[] = [];
    for (const name of names) jobs.registerWorker(name, async (job) => void runs.push(job));
    try {
      await sleep(200);
      queries.length = 0;
      await sleep(800);
      // Before, every worker claimed at every poll: 48 claims here.
      expect(queries.filter((sql) => sql.includes('FOR UPDATE SKIP LOCKED'))).toHaveLength(0);
      expect(queries.length).toBeLessThanOrEqual(25);

      const other = await SqlJobQueue.create(db);
      await other.enqueue(names[3], 'mail', { n: 1 }, { jobId: 'from-elsewhere' });
      await other.close();
      await eventually(() => expect(runs.map((run) => run.id)).toEqual(['from-elsewhere']), 2000);
    } finally {
      await jobs.close();
    }
  });

  it('is what createJobQueue picks when given a database and no Redis URL', async () => {
    const queueName = uniqueName('adapters');
    const jobs = await createJobQueue({ db });
    try {
      expect(jobs.adapter).toBe('sql');
      await jobs.enqueue(queueName, 'mail', {}, { jobId: 'stored' });
      expect(await rowsOf(db, queueName)).toBe(1);
    } finally {
      await jobs.close();
    }
  });

  it('stops waiting for a hung handler after closeTimeoutMs; its job runs again once its lock expires', async () => {
    const queueName = uniqueName('hung');
    const hung = await SqlJobQueue.create(db, { closeTimeoutMs: 200, lockDurationMs: 300 });
    let started = 0;
    hung.registerWorker(queueName, () => {
      started += 1;
      return new Promise<void>(() => undefined);
    });
    await hung.enqueue(queueName, 'mail', {}, { jobId: 'hung' });
    await eventually(() => expect(started).toBe(1));
    const closing = Date.now();
    await hung.close();
    expect(Date.now() - closing).toBeLessThan(1000);

    const next = await SqlJobQueue.create(db, { expiredLockCheckIntervalMs: 100 });
    const runs: QueuedJob[] = [];
    next.registerWorker(queueName, async (job) => void runs.push(job));
    try {
      await eventually(() => expect(runs).toHaveLength(1));
      expect(runs[0]).toMatchObject({ id: 'hung', attempt: 2 });
      await eventually(async () => expect(await next.counts(queueName)).toMatchObject({ completed: 1, active: 0 }));
    } finally {
      await next.close();
    }
  });

  it('keeps the lock of a job that runs longer than the lock duration, so no other worker takes it', async () => {
    const queueName = uniqueName('long-job');
    const options = { lockDurationMs: 300, expiredLockCheckIntervalMs: 100 };
    const [first, second] = [await SqlJobQueue.create(db, options), await SqlJobQueue.create(db, options)];
    const runs: string[] = [];
    first.registerWorker(queueName, async () => {
      runs.push('first');
      await sleep(1200);
    });
    try {
      await first.enqueue(queueName, 'slow', {}, { jobId: 'slow' });
      await eventually(() => expect(runs).toEqual(['first']));
      second.registerWorker(queueName, async () => void runs.push('second'));

      await eventually(async () => expect(await first.counts(queueName)).toMatchObject({ completed: 1, active: 0 }), 5000);
      expect(runs).toEqual(['first']);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('SQL job queue across restarts (PGlite data directory)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sql-job-queue-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a job that was retrying when the process stopped exactly once more after the restart', async () => {
    // Given a mail job failing because SMTP is down, and the process stopping between two tries
    let db = await PGliteDatabase.open(dir);
    let jobs = await SqlJobQueue.create(db);
    const failedTries: number[] = [];
    jobs.registerWorker('mail', async (job) => {
      failedTries.push(job.attempt);
      throw new Error('SMTP is down');
    });
    await jobs.enqueue(
      'mail',
      'send',
      { to: 'ada@example.com' },
      { jobId: 'mail:e-1', attempts: 5, backoff: { type: 'fixed', delayMs: 300 } },
    );
    await eventually(async () => expect(await jobs.counts('mail')).toMatchObject({ delayed: 1, active: 0 }));
    await jobs.close();
    await db.close();
    const triesBeforeRestart = failedTries.length;

    // When the process starts again with SMTP back
    db = await PGliteDatabase.open(dir);
    jobs = await SqlJobQueue.create(db);
    const delivered: QueuedJob[] = [];
    jobs.registerWorker('mail', async (job) => void delivered.push(job));
    try {
      // Then the job runs once more, with its payload and the next attempt number, and completes
      await eventually(() => expect(delivered).toHaveLength(1), 10_000);
      await jobs.enqueue('mail', 'send', { to: 'ada@example.com' }, { jobId: 'mail:e-1' });
      await sleep(500);
      expect(delivered).toHaveLength(1);
      expect(failedTries).toHaveLength(triesBeforeRestart);
      expect(delivered[0]).toMatchObject({
        id: 'mail:e-1',
        payload: { to: 'ada@example.com' },
        attempt: triesBeforeRestart + 1,
        maxAttempts: 5,
      });
      expect(await jobs.counts('mail')).toMatchObject({ waiting: 0, delayed: 0, active: 0, completed: 1, failed: 0 });
    } finally {
      await jobs.close();
      await db.close();
    }
  }, 60_000);

  it('hands out again a job whose process died mid-job once its lock expires; on its last attempt it fails instead', async () => {
    // Given a process that claimed two mail jobs (3 attempts and 1 attempt) and was killed mid-job
    const child = spawn(
      process.execPath,
      ['-r', join(root, 'test/support/swc-register.js'), join(__dirname, 'fixtures/crashing-mail-worker.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve());
      child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // When another process opens the same data directory
    const db = await PGliteDatabase.open(dir);
    const jobs = await SqlJobQueue.create(db, { expiredLockCheckIntervalMs: 200 });
    const runs: QueuedJob[] = [];
    jobs.registerWorker('mail', async (job) => void runs.push(job));
    try {
      // Then the first job runs again (its second attempt) and the second, out of attempts, is failed
      await eventually(() => expect(runs).toHaveLength(1), 10_000);
      expect(runs[0]).toMatchObject({ id: 'mail:e-1', attempt: 2, maxAttempts: 3 });
      await eventually(async () => expect(await jobs.counts('mail')).toMatchObject({ completed: 1, failed: 1, active: 0 }));
      const [failed] = await jobs.failedJobs('mail');
      expect(failed).toMatchObject({ id: 'mail:e-2', attemptsMade: 1, payload: { to: 'bob@example.com' } });
      expect(failed.error).toMatch(/lock expired/);

      // And retrying it runs it
      expect(await jobs.retryFailed('mail')).toBe(1);
      await eventually(() => expect(runs.map((run) => run.id)).toEqual(['mail:e-1', 'mail:e-2']));
    } finally {
      await jobs.close();
      await db.close();
    }
  }, 60_000);
});

describeWithEnv('DATABASE_URL', 'SQL job queue on PostgreSQL', (databaseUrl) => {
  let temporary: TemporaryDatabase;
  let db: PgDatabase;
  beforeAll(async () => {
    temporary = await createTemporaryDatabase(databaseUrl, 'sql_job_queue');
    db = new PgDatabase(temporary.url);
  });
  afterAll(async () => {
    await db?.close();
    await temporary?.drop();
  });

  jobQueueContract(() => SqlJobQueue.create(db));

  it('shares a queue between processes: every job runs once, and both take part', async () => {
    const queueName = uniqueName('shared');
    const other = new PgDatabase(temporary.url);
    const [first, second] = [await SqlJobQueue.create(db), await SqlJobQueue.create(other)];
    const ranBy = new Map<string, string[]>();
    const record = (worker: string) => async (job: QueuedJob) => {
      ranBy.set(job.id, [...(ranBy.get(job.id) ?? []), worker]);
      await sleep(2);
    };
    first.registerWorker(queueName, record('first'), { concurrency: 4 });
    second.registerWorker(queueName, record('second'), { concurrency: 4 });
    try {
      for (let i = 0; i < 200; i += 1) await (i % 2 ? first : second).enqueue(queueName, 'job', { i }, { jobId: `job-${i}` });

      await eventually(async () => expect(await first.counts(queueName)).toMatchObject({ completed: 200, waiting: 0, active: 0 }), 20_000);
      expect([...ranBy.values()].every((workers) => workers.length === 1)).toBe(true);
      expect(ranBy.size).toBe(200);
      const workers = new Set([...ranBy.values()].flat());
      expect(workers).toEqual(new Set(['first', 'second']));
    } finally {
      await first.close();
      await second.close();
      await other.close();
    }
  });
});

async function rowsOf(db: SqlDatabase, queueName: string): Promise<number> {
  const { rows } = await db.query<{ n: bigint }>('SELECT count(*) AS n FROM jobs WHERE queue = $1', [queueName]);
  return Number(rows[0].n);
}
