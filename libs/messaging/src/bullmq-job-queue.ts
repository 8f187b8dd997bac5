import { Job, Queue, Worker } from 'bullmq';
import { Redis, RedisOptions } from 'ioredis';
import {
  Backoff,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF,
  DEFAULT_COMPLETED_RETENTION_SECONDS,
  EnqueueOptions,
  FailedJob,
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

export interface BullMqJobQueueOptions {
  redisUrl: string;
  /** Namespace of every Redis key (BullMQ's `prefix`); tests use a unique one per run. */
  prefix?: string;
  completedRetentionSeconds?: number;
  /** How long `close` waits for running jobs before it closes the workers by force (default 10 s). */
  closeTimeoutMs?: number;
  /** Retries of a job that names no backoff (default DEFAULT_BACKOFF). */
  defaultBackoff?: Backoff;
  /**
   * BullMQ's `lockDuration`, and its `stalledInterval` too (default 30 s each): a job whose worker died
   * is handed out again between one and two of these after its last lock renewal.
   */
  lockDurationMs?: number;
  logger?: MessagingLogger;
}

const STALLED_RUNS_BEFORE_FAILED = 3;

/**
 * Job queue on Redis through BullMQ. Completed jobs are kept for `completedRetentionSeconds` (by age,
 * no count limit) because BullMQ deduplicates by job id only while the job exists; failed jobs are
 * kept until retried or removed by an operator.
 *
 * While Redis is unreachable, `enqueue` waits (ioredis queues the command and reconnects; BullMQ needs
 * `maxRetriesPerRequest: null`) and resolves once Redis is back; workers resume by themselves.
 */
export class BullMqJobQueue implements JobQueue {
  readonly adapter = 'bullmq';
  private readonly connection: Redis;
  /** Ours and every copy BullMQ makes of it (workers duplicate it), so close can always end them. */
  private readonly clients: Redis[] = [];
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, Worker>();
  private readonly prefix: string;
  private readonly retentionSeconds: number;
  private readonly logger: MessagingLogger;
  private readonly closeTimeoutMs: number;
  private readonly defaultBackoff: Backoff;
  private readonly lockDurationMs: number;
  private runningHandlers = 0;
  private closed = false;

  constructor(options: BullMqJobQueueOptions) {
    this.prefix = options.prefix ?? 'bull';
    this.retentionSeconds = options.completedRetentionSeconds ?? DEFAULT_COMPLETED_RETENTION_SECONDS;
    this.logger = options.logger ?? silentLogger;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
    this.defaultBackoff = options.defaultBackoff ?? DEFAULT_BACKOFF;
    this.lockDurationMs = options.lockDurationMs ?? 30_000;
    this.connection = this.tracked(new Redis(options.redisUrl, { maxRetriesPerRequest: null }));
    this.connection.on('error', (error: Error) => this.logger.warn({ err: error }, 'redis connection error'));
  }

  async enqueue<P>(queueName: string, jobName: string, payload: P, options: EnqueueOptions): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    validateJob(queueName, jobName, payload, options);
    await this.queue(queueName).add(jobName, payload, {
      jobId: encodeJobId(options.jobId),
      delay: options.delayMs,
      ...this.retryOptions(options.attempts, options.backoff),
    });
  }

  registerWorker<P = unknown>(queueName: string, handler: JobHandler<P>, options: WorkerOptions = {}): void {
    if (this.closed) throw new QueueClosedError();
    if (this.workers.has(queueName)) throw new Error(`A worker is already registered for queue ${queueName}`);
    const worker = new Worker(
      queueName,
      async (job: Job) => {
        this.runningHandlers += 1;
        try {
          await handler({
            queueName,
            id: decodeJobId(job.id ?? ''),
            name: job.name,
            payload: job.data as P,
            attempt: job.attemptsMade + 1,
            maxAttempts: job.opts.attempts ?? 1,
          });
        } finally {
          this.runningHandlers -= 1;
        }
      },
      {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: Math.max(1, options.concurrency ?? 1),
        lockDuration: this.lockDurationMs,
        stalledInterval: this.lockDurationMs,
        // BullMQ's default (1) fails a job the second time its worker dies under it: two crashes in a row
        // (the reliability suite's two SIGKILLs) would lose a mail. A job that kills every worker still ends
        // in the failed list, after this many.
        maxStalledCount: STALLED_RUNS_BEFORE_FAILED,
      },
    );
    worker.on('error', (error) => this.logger.warn({ err: error, queueName }, 'job worker error'));
    worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        this.logger.warn(
          { queueName, jobId: decodeJobId(job.id ?? ''), jobName: job.name, attemptsMade: job.attemptsMade, error: error.message },
          'job failed',
        );
      }
    });
    this.workers.set(queueName, worker);
  }

  async failedJobs(queueName: string, options: { limit?: number } = {}): Promise<FailedJob[]> {
    const jobs = await this.queue(queueName).getFailed(0, (options.limit ?? 100) - 1);
    return jobs
      .filter((job): job is Job => Boolean(job))
      .map((job) => ({
        id: decodeJobId(job.id ?? ''),
        name: job.name,
        payload: job.data,
        error: job.failedReason ?? '',
        attemptsMade: job.attemptsMade,
        failedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp),
      }));
  }

  async retryFailed(queueName: string, jobId?: string): Promise<number> {
    const queue = this.queue(queueName);
    const jobs =
      jobId === undefined ? await queue.getFailed(0, -1) : [await queue.getJob(encodeJobId(jobId))].filter((job) => job !== undefined);
    let retried = 0;
    for (const job of jobs) {
      if (!job || (await job.getState()) !== 'failed') continue;
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      retried += 1;
    }
    return retried;
  }

  async counts(queueName: string): Promise<JobCounts> {
    const counts = await this.queue(queueName).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  async upsertSchedule<P>(queueName: string, scheduleName: string, schedule: Schedule, job: ScheduledJob<P>): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    validateSchedule(schedule);
    validateJob(queueName, job.name, job.payload, { jobId: scheduleName, attempts: job.attempts, backoff: job.backoff });
    const repeat = 'everyMs' in schedule ? { every: schedule.everyMs } : { pattern: schedule.cron, tz: schedule.tz ?? 'UTC' };
    await this.queue(queueName).upsertJobScheduler(encodeJobId(scheduleName), repeat, {
      name: job.name,
      data: job.payload,
      opts: { ...this.retryOptions(job.attempts, job.backoff), ...this.retention() },
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const workers = [...this.workers.values()];
    // Take no new job, and let the running handlers finish (they need no Redis to do so).
    await Promise.allSettled(workers.map((worker) => worker.pause(true)));
    const deadline = Date.now() + this.closeTimeoutMs;
    while (this.runningHandlers > 0 && Date.now() < deadline) await sleep(25);

    // With Redis up, a graceful close also writes the outcome of the last jobs. With Redis down it
    // would wait for Redis forever (BullMQ awaits its blocking client's 'end', which a reconnecting
    // ioredis client never emits), so the workers are closed by force: a job whose outcome was not
    // written stays active in Redis and is handed out again once its lock expires (at least once).
    const graceful = this.connection.status === 'ready' && this.runningHandlers === 0;
    const closing = Promise.allSettled(workers.map((worker) => worker.close(!graceful)));
    const closed = await Promise.race([closing.then(() => true), unrefSleep(Math.max(deadline - Date.now(), 1000)).then(() => false)]);
    if (!closed) this.logger.warn({ redis: this.connection.status }, 'job workers did not close in time; cutting their connections');
    await Promise.race([Promise.allSettled([...this.queues.values()].map((queue) => queue.close())), unrefSleep(1000)]);
    if (closed && this.connection.status === 'ready') await this.connection.quit().catch(() => undefined);
    for (const client of this.clients) client.disconnect();
  }

  private tracked(client: Redis): Redis {
    this.clients.push(client);
    const duplicate = client.duplicate.bind(client);
    (client as unknown as { duplicate: (override?: Partial<RedisOptions>) => Redis }).duplicate = (override) =>
      this.tracked(duplicate(override));
    return client;
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: this.retention() });
      queue.on('error', (error) => this.logger.warn({ err: error, queueName: name }, 'job queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private retention() {
    return { removeOnComplete: { age: this.retentionSeconds }, removeOnFail: false };
  }

  private retryOptions(attempts?: number, backoff?: Backoff) {
    const { type, delayMs } = backoff ?? this.defaultBackoff;
    return { attempts: attempts ?? DEFAULT_ATTEMPTS, backoff: { type, delay: delayMs } };
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** A time limit for a race: it does not keep the process alive once the other side has settled. */
const unrefSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * BullMQ rejects job ids that contain ':' or that read as an integer. Percent-encoding '%' and ':'
 * (and the first digit of an integer-looking id) is reversible and injective, so two different
 * caller ids never collide into one job.
 */
export function encodeJobId(id: string): string {
  const encoded = id.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
  if (`${parseInt(encoded, 10)}` !== encoded) return encoded;
  return `%${encoded.charCodeAt(0).toString(16).toUpperCase()}${encoded.slice(1)}`;
}

export function decodeJobId(id: string): string {
  return id.includes('%') ? decodeURIComponent(id) : id;
}
