import { randomUUID } from 'node:crypto';
import { migrate, SqlDatabase } from '@app/database';
import {
  Backoff,
  backoffDelayMs,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF,
  DEFAULT_COMPLETED_RETENTION_SECONDS,
  EnqueueOptions,
  FailedJob,
  InvalidJobError,
  JobCounts,
  JobHandler,
  JobQueue,
  MessagingLogger,
  QueueClosedError,
  Schedule,
  ScheduledJob,
  silentLogger,
  validateJob,
  validateSchedule,
  WorkerOptions,
} from './job-queue';
import { followSchedule, MAX_TIMER_DELAY_MS } from './schedule';
import { sqlJobQueueMigrations } from './sql-job-queue.migrations';

export { sqlJobQueueMigrations } from './sql-job-queue.migrations';

export interface SqlJobQueueOptions {
  completedRetentionSeconds?: number;
  /** How often an idle worker looks for due jobs it was not told about (another process's, default 200 ms). */
  pollIntervalMs?: number;
  /**
   * How long a claimed job stays locked (default 30 s). The lock is renewed while the handler runs; a
   * job whose lock expired (its process died) is handed out again.
   */
  lockDurationMs?: number;
  /** How often a worker looks for jobs whose lock expired (default 5 s). */
  expiredLockCheckIntervalMs?: number;
  /**
   * How long `close` waits for running handlers (default 10 s). A handler still running then keeps its
   * job active in the table: it runs again once its lock has expired (at least once).
   */
  closeTimeoutMs?: number;
  /** Retries of a job that names no backoff (default DEFAULT_BACKOFF). */
  defaultBackoff?: Backoff;
  logger?: MessagingLogger;
}

interface ClaimedRow {
  id: string;
  name: string;
  payload: unknown;
  attempts_made: number;
  max_attempts: number;
  backoff_type: Backoff['type'];
  backoff_delay_ms: bigint;
}

interface RunningJob {
  id: string;
  token: string;
}

interface Worker {
  queueName: string;
  handler: JobHandler;
  concurrency: number;
  running: Map<string, RunningJob>;
  claiming: boolean;
  /** A wake-up arrived while a claim was in flight: claim again as soon as it returns. */
  wokenWhileClaiming: boolean;
  timer?: NodeJS.Timeout;
  timerAt?: number;
  consecutiveErrors: number;
}

const RETENTION_BATCH = 500;
const RETENTION_INTERVAL_MS = 60_000;
const MAX_ERROR_LENGTH = 4000;
/** PostgreSQL's untranslatable_character: jsonb cannot hold \u0000. */
const UNTRANSLATABLE_CHARACTER = '22P05';

/**
 * Durable job queue in SQL (PostgreSQL or PGlite), the embedded default: the semantics of the other
 * adapters (deduplication by job id, retries with backoff, failed jobs kept, delays, concurrency,
 * schedules), and jobs survive a restart.
 *
 * Workers poll for due jobs and claim them with `FOR UPDATE SKIP LOCKED`, so several processes can
 * share one PostgreSQL queue; an enqueue in this process wakes its worker at once. Every statement
 * is a single short one (no transaction), which keeps PGlite's one connection and main thread free.
 */
export class SqlJobQueue implements JobQueue {
  readonly adapter = 'sql';
  private readonly workers = new Map<string, Worker>();
  private readonly schedules = new Map<string, { cancel(): void }>();
  /** Claims, handler runs and their outcome writes, enqueues, sweeps: what `close` waits for. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly owner = randomUUID();
  private readonly retentionSeconds: number;
  private readonly pollIntervalMs: number;
  private readonly lockDurationMs: number;
  private readonly closeTimeoutMs: number;
  private readonly defaultBackoff: Backoff;
  private readonly logger: MessagingLogger;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly retentionSweep: NodeJS.Timeout;
  private readonly expiredLockCheck: NodeJS.Timeout;
  private claimCount = 0;
  private closed = false;

  private constructor(
    private readonly db: SqlDatabase,
    options: SqlJobQueueOptions,
  ) {
    this.retentionSeconds = options.completedRetentionSeconds ?? DEFAULT_COMPLETED_RETENTION_SECONDS;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.lockDurationMs = options.lockDurationMs ?? 30_000;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.defaultBackoff = options.defaultBackoff ?? DEFAULT_BACKOFF;
    this.logger = options.logger ?? silentLogger;
    this.heartbeat = setInterval(() => this.track(this.renewLocks()), Math.max(10, Math.floor(this.lockDurationMs / 3)));
    this.heartbeat.unref();
    this.retentionSweep = setInterval(() => this.track(this.forgetOldCompleted()), RETENTION_INTERVAL_MS);
    this.retentionSweep.unref();
    this.expiredLockCheck = setInterval(() => {
      for (const worker of this.workers.values()) this.track(this.releaseExpired(worker));
    }, options.expiredLockCheckIntervalMs ?? 5000);
    this.expiredLockCheck.unref();
  }

  /** Applies the `jobs` migrations, then returns a queue over `db`. */
  static async create(db: SqlDatabase, options: SqlJobQueueOptions = {}): Promise<SqlJobQueue> {
    await migrate(db, sqlJobQueueMigrations);
    const queue = new SqlJobQueue(db, options);
    queue.track(queue.forgetOldCompleted());
    return queue;
  }

  async enqueue<P>(queueName: string, jobName: string, payload: P, options: EnqueueOptions): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    const copy = validateJob(queueName, jobName, payload, options);
    const delayMs = options.delayMs ?? 0;
    const inserted = await this.track(this.insert(queueName, jobName, copy, options.jobId, delayMs, options.attempts, options.backoff));
    if (inserted) this.wake(queueName, Date.now() + delayMs);
  }

  registerWorker<P = unknown>(queueName: string, handler: JobHandler<P>, options: WorkerOptions = {}): void {
    if (this.closed) throw new QueueClosedError();
    if (this.workers.has(queueName)) throw new Error(`A worker is already registered for queue ${queueName}`);
    const worker: Worker = {
      queueName,
      handler: handler as JobHandler,
      concurrency: Math.max(1, options.concurrency ?? 1),
      running: new Map(),
      claiming: false,
      wokenWhileClaiming: false,
      consecutiveErrors: 0,
    };
    this.workers.set(queueName, worker);
    this.track(this.releaseExpired(worker));
    this.pump(worker);
  }

  async failedJobs(queueName: string, options: { limit?: number } = {}): Promise<FailedJob[]> {
    const { rows } = await this.db.query<{
      id: string;
      name: string;
      payload: unknown;
      last_error: string | null;
      attempts_made: number;
      finished_at: Date;
    }>(
      `SELECT id, name, payload, last_error, attempts_made, finished_at FROM jobs
       WHERE queue = $1 AND state = 'failed' ORDER BY finished_at DESC, id LIMIT $2`,
      [queueName, options.limit ?? 100],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      payload: row.payload,
      error: row.last_error ?? '',
      attemptsMade: row.attempts_made,
      failedAt: new Date(row.finished_at),
    }));
  }

  async retryFailed(queueName: string, jobId?: string): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE jobs SET state = 'waiting', attempts_made = 0, last_error = NULL, finished_at = NULL, run_at = now(), updated_at = now()
       WHERE queue = $1 AND state = 'failed' AND ($2::text IS NULL OR id = $2)`,
      [queueName, jobId ?? null],
    );
    if (rowCount > 0) this.wake(queueName, Date.now());
    return rowCount;
  }

  async counts(queueName: string): Promise<JobCounts> {
    const { rows } = await this.db.query<Record<keyof JobCounts, bigint>>(
      `SELECT count(*) FILTER (WHERE state = 'waiting' AND run_at <= now()) AS waiting,
              count(*) FILTER (WHERE state = 'waiting' AND run_at > now()) AS delayed,
              count(*) FILTER (WHERE state = 'active') AS active,
              count(*) FILTER (WHERE state = 'completed' AND finished_at >= now() - $2::float8 * interval '1 second') AS completed,
              count(*) FILTER (WHERE state = 'failed') AS failed
       FROM jobs WHERE queue = $1`,
      [queueName, this.retentionSeconds],
    );
    const row = rows[0];
    return {
      waiting: Number(row.waiting),
      active: Number(row.active),
      delayed: Number(row.delayed),
      completed: Number(row.completed),
      failed: Number(row.failed),
    };
  }

  async upsertSchedule<P>(queueName: string, scheduleName: string, schedule: Schedule, job: ScheduledJob<P>): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    validateSchedule(schedule);
    validateJob(queueName, job.name, job.payload, { jobId: scheduleName, attempts: job.attempts, backoff: job.backoff });
    const key = `${queueName}\u0000${scheduleName}`;
    this.schedules.get(key)?.cancel();
    this.schedules.set(
      key,
      followSchedule(schedule, (runAt) => {
        if (this.closed) return;
        // One job per occurrence: processes sharing the database enqueue the same id, which runs once.
        this.enqueue(queueName, job.name, job.payload, {
          jobId: `schedule:${scheduleName}:${runAt}`,
          attempts: job.attempts,
          backoff: job.backoff,
        }).catch((error: unknown) => this.logger.warn({ err: error, queueName, scheduleName }, 'scheduled job could not be enqueued'));
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const schedule of this.schedules.values()) schedule.cancel();
    this.schedules.clear();
    for (const worker of this.workers.values()) clearTimeout(worker.timer);
    clearInterval(this.retentionSweep);
    clearInterval(this.expiredLockCheck);
    // Running handlers finish and their outcome is written; claims in flight hand their jobs back.
    const deadline = Date.now() + this.closeTimeoutMs;
    while (this.inFlight.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const running = [...this.workers.values()].reduce((sum, worker) => sum + worker.running.size, 0);
        this.logger.warn({ running }, 'jobs still running at close; they run again once their lock expires');
        break;
      }
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => setTimeout(resolve, remaining).unref())]);
    }
    clearInterval(this.heartbeat);
  }

  private async insert(
    queueName: string,
    jobName: string,
    payload: unknown,
    jobId: string,
    delayMs: number,
    attempts: number | undefined,
    backoff: Backoff | undefined,
  ): Promise<boolean> {
    const { type, delayMs: backoffDelay } = backoff ?? this.defaultBackoff;
    try {
      // A completed job past the retention window no longer holds its id: the new job takes its row.
      const { rowCount } = await this.db.query(
        `INSERT INTO jobs (queue, id, name, payload, state, max_attempts, backoff_type, backoff_delay_ms, run_at)
         VALUES ($1, $2, $3, $4::jsonb, 'waiting', $5, $6, $7, now() + $8::float8 * interval '1 millisecond')
         ON CONFLICT (queue, id) DO UPDATE SET
           name = EXCLUDED.name, payload = EXCLUDED.payload, state = 'waiting', attempts_made = 0,
           max_attempts = EXCLUDED.max_attempts, backoff_type = EXCLUDED.backoff_type,
           backoff_delay_ms = EXCLUDED.backoff_delay_ms, run_at = EXCLUDED.run_at, locked_until = NULL,
           lock_token = NULL, last_error = NULL, created_at = now(), updated_at = now(), finished_at = NULL
         WHERE jobs.state = 'completed' AND jobs.finished_at < now() - $9::float8 * interval '1 second'`,
        [
          queueName,
          jobId,
          jobName,
          payload === undefined ? null : JSON.stringify(payload),
          attempts ?? DEFAULT_ATTEMPTS,
          type,
          Math.round(backoffDelay),
          delayMs,
          this.retentionSeconds,
        ],
      );
      return rowCount > 0;
    } catch (error) {
      if ((error as { code?: string }).code === UNTRANSLATABLE_CHARACTER) {
        throw new InvalidJobError(`payload of ${jobName} cannot be stored: ${(error as Error).message}`);
      }
      throw error;
    }
  }

  /** Claims as many due jobs as the worker has free slots, in one statement, and starts them. */
  private pump(worker: Worker): void {
    if (this.closed) return;
    if (worker.claiming) {
      worker.wokenWhileClaiming = true;
      return;
    }
    const free = worker.concurrency - worker.running.size;
    if (free <= 0) return; // a finishing job pumps again
    worker.claiming = true;
    worker.wokenWhileClaiming = false;
    const token = `${this.owner}:${(this.claimCount += 1)}`;
    this.track(
      this.claim(worker.queueName, free, token).then(
        (rows) => {
          worker.claiming = false;
          worker.consecutiveErrors = 0;
          for (const row of rows) this.start(worker, row, token);
          if (this.closed) return;
          if (worker.wokenWhileClaiming) this.pump(worker);
          else if (rows.length < free) this.wakeAt(worker, Date.now() + this.pollIntervalMs);
        },
        (error: unknown) => {
          worker.claiming = false;
          worker.consecutiveErrors += 1;
          this.logger.warn({ err: error, queueName: worker.queueName }, 'could not claim jobs');
          const delay = Math.min(5000, this.pollIntervalMs * 2 ** Math.min(worker.consecutiveErrors, 5));
          this.wakeAt(worker, Date.now() + delay);
        },
      ),
    );
  }

  /**
   * The earliest due waiting jobs, marked active under this claim's token (an ordered index scan that
   * stops at the limit). SKIP LOCKED lets concurrent claimers pass over each other's rows.
   */
  private async claim(queueName: string, limit: number, token: string): Promise<ClaimedRow[]> {
    const { rows } = await this.db.query<ClaimedRow>(
      `WITH due AS MATERIALIZED (
         SELECT queue, id FROM jobs
         WHERE queue = $1 AND state = 'waiting' AND run_at <= now()
         ORDER BY run_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE jobs SET state = 'active', attempts_made = jobs.attempts_made + 1,
         locked_until = now() + $3::float8 * interval '1 millisecond', lock_token = $4, updated_at = now()
       FROM due WHERE jobs.queue = due.queue AND jobs.id = due.id
       RETURNING jobs.id, jobs.name, jobs.payload, jobs.attempts_made, jobs.max_attempts, jobs.backoff_type, jobs.backoff_delay_ms`,
      [queueName, limit, this.lockDurationMs, token],
    );
    return rows;
  }

  /**
   * Active jobs whose lock expired: their process stopped (or stalled) mid-job. The interrupted try
   * counts as an attempt, so a job that kills its process every time ends in the failed list rather
   * than looping: it waits again if attempts remain, else it fails.
   */
  private async releaseExpired(worker: Worker): Promise<void> {
    const { queueName } = worker;
    try {
      const { rows } = await this.db.query<{ id: string; name: string; state: 'waiting' | 'failed'; attempts_made: number }>(
        `UPDATE jobs SET
           state = CASE WHEN attempts_made >= max_attempts THEN 'failed' ELSE 'waiting' END,
           finished_at = CASE WHEN attempts_made >= max_attempts THEN now() END,
           last_error = CASE WHEN attempts_made >= max_attempts
             THEN 'attempt ' || attempts_made || ' of ' || max_attempts || ' did not finish: its lock expired (the process running it stopped?)'
             ELSE last_error END,
           run_at = now(), locked_until = NULL, lock_token = NULL, updated_at = now()
         WHERE queue = $1 AND state = 'active' AND locked_until <= now()
         RETURNING id, name, state, attempts_made`,
        [queueName],
      );
      for (const row of rows) {
        const context = { queueName, jobId: row.id, jobName: row.name, attemptsMade: row.attempts_made };
        if (row.state === 'failed') this.logger.warn(context, 'job failed: its lock expired on its last attempt');
        else this.logger.warn(context, 'job lock expired (its process stopped?); it will run again');
      }
      if (rows.some((row) => row.state === 'waiting')) this.pump(worker);
    } catch (error) {
      this.logger.warn({ err: error, queueName }, 'could not look for jobs whose lock expired');
    }
  }

  private start(worker: Worker, row: ClaimedRow, token: string): void {
    const { queueName } = worker;
    if (this.closed) {
      this.track(this.handBack(queueName, row.id, token));
      return;
    }
    const running: RunningJob = { id: row.id, token };
    worker.running.set(`${row.id}\u0000${token}`, running);
    this.track(this.run(worker, row, token));
  }

  private async run(worker: Worker, row: ClaimedRow, token: string): Promise<void> {
    let failure: string | undefined;
    try {
      await worker.handler({
        queueName: worker.queueName,
        id: row.id,
        name: row.name,
        payload: row.payload,
        attempt: row.attempts_made,
        maxAttempts: row.max_attempts,
      });
    } catch (error) {
      failure = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
    }
    try {
      await this.finish(
        worker,
        row,
        token,
        failure === undefined ? undefined : { failed: failure, retry: row.attempts_made < row.max_attempts },
      );
    } finally {
      worker.running.delete(`${row.id}\u0000${token}`);
      this.pump(worker);
    }
  }

  /**
   * Writes the outcome of one claim. Guarded by the claim token: if the lock expired and another
   * worker claimed the job meanwhile, this changes nothing (the job runs again: at least once).
   */
  private async finish(worker: Worker, row: ClaimedRow, token: string, failure?: { failed: string; retry: boolean }): Promise<void> {
    const { queueName } = worker;
    try {
      if (!failure) {
        await this.db.query(
          `UPDATE jobs SET state = 'completed', finished_at = now(), locked_until = NULL, lock_token = NULL, updated_at = now()
           WHERE queue = $1 AND id = $2 AND lock_token = $3`,
          [queueName, row.id, token],
        );
      } else if (failure.retry) {
        const delayMs = backoffDelayMs({ type: row.backoff_type, delayMs: Number(row.backoff_delay_ms) }, row.attempts_made);
        await this.db.query(
          `UPDATE jobs SET state = 'waiting', run_at = now() + $4::float8 * interval '1 millisecond', last_error = $5,
             locked_until = NULL, lock_token = NULL, updated_at = now()
           WHERE queue = $1 AND id = $2 AND lock_token = $3`,
          [queueName, row.id, token, delayMs, failure.failed],
        );
        this.wakeAt(worker, Date.now() + delayMs);
      } else {
        const { rowCount } = await this.db.query(
          `UPDATE jobs SET state = 'failed', finished_at = now(), last_error = $4, locked_until = NULL, lock_token = NULL, updated_at = now()
           WHERE queue = $1 AND id = $2 AND lock_token = $3`,
          [queueName, row.id, token, failure.failed],
        );
        if (rowCount > 0) {
          this.logger.warn(
            { queueName, jobId: row.id, jobName: row.name, attemptsMade: row.attempts_made, error: failure.failed },
            'job failed',
          );
        }
      }
    } catch (error) {
      // The job stays active under this token; once the lock expires it is handed out again.
      this.logger.warn({ err: error, queueName, jobId: row.id }, 'could not record the outcome of a job; it will run again');
    }
  }

  /** A job claimed while the queue was closing: back to waiting, as if never claimed. */
  private async handBack(queueName: string, jobId: string, token: string): Promise<void> {
    await this.db
      .query(
        `UPDATE jobs SET state = 'waiting', attempts_made = attempts_made - 1, locked_until = NULL, lock_token = NULL, updated_at = now()
         WHERE queue = $1 AND id = $2 AND lock_token = $3`,
        [queueName, jobId, token],
      )
      .catch((error: unknown) =>
        this.logger.warn({ err: error, queueName, jobId }, 'could not hand a job back; it runs once its lock expires'),
      );
  }

  private async renewLocks(): Promise<void> {
    for (const worker of this.workers.values()) {
      for (const job of worker.running.values()) {
        try {
          const { rowCount } = await this.db.query(
            `UPDATE jobs SET locked_until = now() + $4::float8 * interval '1 millisecond'
             WHERE queue = $1 AND id = $2 AND lock_token = $3 AND state = 'active'`,
            [worker.queueName, job.id, job.token, this.lockDurationMs],
          );
          if (rowCount === 0)
            this.logger.warn({ queueName: worker.queueName, jobId: job.id }, 'lost the lock of a running job; it may run twice');
        } catch (error) {
          this.logger.warn({ err: error, queueName: worker.queueName, jobId: job.id }, 'could not renew the lock of a running job');
        }
      }
    }
  }

  /** Deletes completed jobs past the retention window, in short batches (PGlite runs on the main thread). */
  private async forgetOldCompleted(): Promise<void> {
    try {
      for (let batch = 0; batch < 20 && !this.closed; batch += 1) {
        const { rowCount } = await this.db.query(
          `DELETE FROM jobs WHERE (queue, id) IN (
             SELECT queue, id FROM jobs WHERE state = 'completed' AND finished_at < now() - $1::float8 * interval '1 second' LIMIT $2)
           AND state = 'completed'`,
          [this.retentionSeconds, RETENTION_BATCH],
        );
        if (rowCount < RETENTION_BATCH) return;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not delete old completed jobs');
    }
  }

  /** A job of `queueName` may be due at `at`: make this process's worker look then, if it has one. */
  private wake(queueName: string, at: number): void {
    const worker = this.workers.get(queueName);
    if (worker) this.wakeAt(worker, at);
  }

  private wakeAt(worker: Worker, at: number): void {
    if (this.closed) return;
    const delay = at - Date.now();
    if (delay <= 0) {
      this.pump(worker);
      return;
    }
    if (worker.timerAt !== undefined && worker.timerAt <= at) return;
    clearTimeout(worker.timer);
    worker.timerAt = at;
    // A millisecond late rather than early: the database must already see the job as due. A wake-up
    // beyond what a timer holds comes early and only claims what is due; the poll goes on from there.
    worker.timer = setTimeout(
      () => {
        worker.timer = undefined;
        worker.timerAt = undefined;
        this.pump(worker);
      },
      Math.min(delay + 1, MAX_TIMER_DELAY_MS),
    );
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }
}
