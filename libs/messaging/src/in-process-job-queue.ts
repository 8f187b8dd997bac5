import {
  Backoff,
  backoffDelayMs,
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
import { followSchedule, timerUntil } from './schedule';

type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

interface StoredJob {
  id: string;
  name: string;
  payload: unknown;
  state: JobState;
  attemptsMade: number;
  maxAttempts: number;
  backoff: Backoff;
  error?: string;
  finishedAt?: number;
  timer?: { cancel(): void };
}

interface QueueState {
  name: string;
  jobs: Map<string, StoredJob>;
  ready: StoredJob[];
  /** Completed jobs in completion order, forgotten once older than the retention window. */
  completed: StoredJob[];
  worker?: { handler: JobHandler; concurrency: number };
  active: number;
}

export interface InProcessJobQueueOptions {
  completedRetentionSeconds?: number;
  /** Retries of a job that names no backoff (default DEFAULT_BACKOFF). */
  defaultBackoff?: Backoff;
  logger?: MessagingLogger;
}

/**
 * The embedded default: the same semantics as the BullMQ adapter (deduplication by job id, retries
 * with backoff, failed jobs kept, delays, concurrency, schedules), held in memory.
 *
 * Not durable: jobs that have not completed when the process stops are lost. At-least-once across a
 * restart therefore rests on the caller, which re-drives from its own durable record (the reaction
 * runner's checkpoint in the event log); deduplication by job id does not survive a restart either.
 */
export class InProcessJobQueue implements JobQueue {
  readonly adapter = 'in-process';
  private readonly queues = new Map<string, QueueState>();
  private readonly schedules = new Map<string, { cancel(): void }>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly retentionMs: number;
  private readonly logger: MessagingLogger;
  private readonly defaultBackoff: Backoff;
  private closed = false;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.retentionMs = (options.completedRetentionSeconds ?? DEFAULT_COMPLETED_RETENTION_SECONDS) * 1000;
    this.logger = options.logger ?? silentLogger;
    this.defaultBackoff = options.defaultBackoff ?? DEFAULT_BACKOFF;
  }

  async enqueue<P>(queueName: string, jobName: string, payload: P, options: EnqueueOptions): Promise<void> {
    this.add(queueName, jobName, payload, options);
  }

  registerWorker<P = unknown>(queueName: string, handler: JobHandler<P>, options: WorkerOptions = {}): void {
    if (this.closed) throw new QueueClosedError();
    const queue = this.queue(queueName);
    if (queue.worker) throw new Error(`A worker is already registered for queue ${queueName}`);
    queue.worker = { handler: handler as JobHandler, concurrency: Math.max(1, options.concurrency ?? 1) };
    this.pump(queue);
  }

  async failedJobs(queueName: string, options: { limit?: number } = {}): Promise<FailedJob[]> {
    const failed = [...this.queue(queueName).jobs.values()]
      .filter((job) => job.state === 'failed')
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    return failed.slice(0, options.limit ?? 100).map((job) => ({
      id: job.id,
      name: job.name,
      payload: job.payload,
      error: job.error ?? '',
      attemptsMade: job.attemptsMade,
      failedAt: new Date(job.finishedAt ?? 0),
    }));
  }

  async retryFailed(queueName: string, jobId?: string): Promise<number> {
    const queue = this.queue(queueName);
    const candidates = jobId === undefined ? [...queue.jobs.values()] : [queue.jobs.get(jobId)].filter((job) => job !== undefined);
    let retried = 0;
    for (const job of candidates) {
      if (job.state !== 'failed') continue;
      job.attemptsMade = 0;
      job.error = undefined;
      job.finishedAt = undefined;
      job.state = 'waiting';
      queue.ready.push(job);
      retried += 1;
    }
    this.pump(queue);
    return retried;
  }

  async counts(queueName: string): Promise<JobCounts> {
    const queue = this.queue(queueName);
    this.forgetOldCompleted(queue);
    const counts: JobCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
    for (const job of queue.jobs.values()) counts[job.state] += 1;
    return counts;
  }

  async upsertSchedule<P>(queueName: string, scheduleName: string, schedule: Schedule, job: ScheduledJob<P>): Promise<void> {
    if (this.closed) throw new QueueClosedError();
    validateSchedule(schedule);
    const key = `${queueName}\u0000${scheduleName}`;
    this.schedules.get(key)?.cancel();
    this.schedules.set(
      key,
      followSchedule(schedule, (runAt) => {
        if (this.closed) return;
        try {
          // One job per occurrence: a schedule upserted twice cannot run an occurrence twice.
          this.add(queueName, job.name, job.payload, {
            jobId: `schedule:${scheduleName}:${runAt}`,
            attempts: job.attempts,
            backoff: job.backoff,
          });
        } catch (error) {
          this.logger.warn({ err: error, queueName, scheduleName }, 'scheduled job could not be enqueued');
        }
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const schedule of this.schedules.values()) schedule.cancel();
    this.schedules.clear();
    for (const queue of this.queues.values()) {
      for (const job of queue.jobs.values()) job.timer?.cancel();
    }
    while ([...this.queues.values()].some((queue) => queue.active > 0)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private add<P>(queueName: string, jobName: string, payload: P, options: EnqueueOptions): void {
    if (this.closed) throw new QueueClosedError();
    const copy = validateJob(queueName, jobName, payload, options);
    const queue = this.queue(queueName);
    this.forgetOldCompleted(queue);
    if (queue.jobs.has(options.jobId)) return;
    const job: StoredJob = {
      id: options.jobId,
      name: jobName,
      payload: copy,
      state: 'waiting',
      attemptsMade: 0,
      maxAttempts: options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: options.backoff ?? this.defaultBackoff,
    };
    queue.jobs.set(job.id, job);
    if (options.delayMs) this.delay(queue, job, options.delayMs);
    else queue.ready.push(job);
    this.pump(queue);
  }

  private delay(queue: QueueState, job: StoredJob, delayMs: number): void {
    job.state = 'delayed';
    job.timer = timerUntil(Date.now() + delayMs, () => {
      job.timer = undefined;
      if (this.closed) return;
      job.state = 'waiting';
      queue.ready.push(job);
      this.pump(queue);
    });
  }

  private pump(queue: QueueState): void {
    const worker = queue.worker;
    if (!worker) return;
    while (!this.closed && queue.active < worker.concurrency && queue.ready.length > 0) {
      const job = queue.ready.shift()!;
      if (job.state !== 'waiting') continue;
      void this.run(queue, job, worker.handler);
    }
  }

  private async run(queue: QueueState, job: StoredJob, handler: JobHandler): Promise<void> {
    queue.active += 1;
    job.state = 'active';
    job.attemptsMade += 1;
    try {
      await handler({
        queueName: queue.name,
        id: job.id,
        name: job.name,
        payload: job.payload,
        attempt: job.attemptsMade,
        maxAttempts: job.maxAttempts,
      });
      job.state = 'completed';
      job.finishedAt = Date.now();
      queue.completed.push(job);
    } catch (error) {
      job.error = error instanceof Error ? error.message : String(error);
      if (job.attemptsMade < job.maxAttempts && !this.closed) {
        this.delay(queue, job, backoffDelayMs(job.backoff, job.attemptsMade));
      } else {
        job.state = 'failed';
        job.finishedAt = Date.now();
        this.logger.warn(
          { queueName: queue.name, jobId: job.id, jobName: job.name, attemptsMade: job.attemptsMade, error: job.error },
          'job failed',
        );
      }
    } finally {
      queue.active -= 1;
      this.pump(queue);
      if (queue.active === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  private forgetOldCompleted(queue: QueueState): void {
    const cutoff = Date.now() - this.retentionMs;
    while (queue.completed.length > 0 && (queue.completed[0].finishedAt ?? 0) < cutoff) {
      const job = queue.completed.shift()!;
      if (queue.jobs.get(job.id) === job && job.state === 'completed') queue.jobs.delete(job.id);
    }
  }

  private queue(name: string): QueueState {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { name, jobs: new Map(), ready: [], completed: [], active: 0 };
      this.queues.set(name, queue);
    }
    return queue;
  }
}
