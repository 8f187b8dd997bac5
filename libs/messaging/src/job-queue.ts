/**
 * Job queue port: at-least-once background jobs, deduplicated by a caller-chosen job id.
 *
 * Callers (reactions driven from the event log) derive `jobId` from the event id, so re-driving an
 * event after a crash enqueues nothing new while the first job is still known to the queue (waiting,
 * delayed, active, failed, or completed within the retention window).
 *
 * `enqueue` may wait for as long as the backend is unreachable (BullMQ waits for Redis to come back
 * instead of failing). Call it from background code (a reaction runner, a worker), never while a
 * request is waiting for an answer.
 */
export interface JobQueue {
  /** Which adapter this is (`bullmq`, `sql`, `in-process`), for health reports and logs. */
  readonly adapter: string;
  /** Adds a job unless one with the same `jobId` is already known in this queue; resolves once stored. */
  enqueue<P>(queueName: string, jobName: string, payload: P, options: EnqueueOptions): Promise<void>;
  /** Starts processing `queueName` with one handler for every job name in it (see `routeByJobName`). */
  registerWorker<P = unknown>(queueName: string, handler: JobHandler<P>, options?: WorkerOptions): void;
  /** Jobs that failed every attempt, newest first. */
  failedJobs(queueName: string, options?: { limit?: number }): Promise<FailedJob[]>;
  /** Gives failed jobs (all of them, or the one with `jobId`) a fresh set of attempts; resolves to how many. */
  retryFailed(queueName: string, jobId?: string): Promise<number>;
  counts(queueName: string): Promise<JobCounts>;
  /**
   * Creates or replaces the schedule `scheduleName`: it enqueues `job` into `queueName` on every cron
   * occurrence (evaluated in `tz`, UTC by default) or every `everyMs` (the first run is immediate).
   */
  upsertSchedule<P>(queueName: string, scheduleName: string, schedule: Schedule, job: ScheduledJob<P>): Promise<void>;
  /** Stops taking new jobs, waits for the running ones to finish, then releases connections and timers. */
  close(): Promise<void>;
}

export interface EnqueueOptions {
  /** Deduplication key, e.g. `welcome-email:<eventId>`. Any non-empty string (adapters encode it). */
  jobId: string;
  delayMs?: number;
  /** Total number of tries, the first one included. */
  attempts?: number;
  backoff?: Backoff;
}

/** Delay before retry n (1-based): `fixed` waits `delayMs` each time, `exponential` waits `delayMs * 2^(n-1)`. */
export interface Backoff {
  type: 'fixed' | 'exponential';
  delayMs: number;
}

export interface WorkerOptions {
  /** How many jobs of this queue run at once in this process. */
  concurrency?: number;
}

export interface QueuedJob<P = unknown> {
  queueName: string;
  id: string;
  name: string;
  payload: P;
  /** 1 on the first try. */
  attempt: number;
  maxAttempts: number;
}

/** Resolves when the job is done; throwing (or rejecting) makes it retry, then fail. */
export type JobHandler<P = unknown> = (job: QueuedJob<P>) => Promise<void>;

export interface FailedJob {
  id: string;
  name: string;
  payload: unknown;
  /** The message of the error of the last attempt. */
  error: string;
  attemptsMade: number;
  failedAt: Date;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export type Schedule = { cron: string; tz?: string } | { everyMs: number };

export interface ScheduledJob<P> {
  name: string;
  payload: P;
  attempts?: number;
  backoff?: Backoff;
}

/** Minimal structured logger (pino's `warn(obj, msg)` shape); the default one is silent. */
export interface MessagingLogger {
  warn(context: object, message: string): void;
}

export const silentLogger: MessagingLogger = { warn: () => undefined };

export const DEFAULT_ATTEMPTS = 10;
/** 1 s, 2 s, 4 s ... 256 s: about 8.5 minutes of outage absorbed before a job lands in the failed list. */
export const DEFAULT_BACKOFF: Backoff = { type: 'exponential', delayMs: 1000 };
/** Completed job ids are remembered at least this long, which is how long deduplication holds after completion. */
export const DEFAULT_COMPLETED_RETENTION_SECONDS = 3 * 24 * 3600;

export class InvalidJobError extends Error {
  readonly code = 'MESSAGING.INVALID_JOB';
}

export class QueueClosedError extends Error {
  readonly code = 'MESSAGING.QUEUE_CLOSED';
  constructor() {
    super('The job queue is closed');
  }
}

export function backoffDelayMs(backoff: Backoff, attemptsMade: number): number {
  return backoff.type === 'fixed' ? backoff.delayMs : Math.round(2 ** (attemptsMade - 1) * backoff.delayMs);
}

/**
 * Checks what both adapters require and returns the payload as the worker will see it: a JSON copy,
 * so the in-process queue behaves like Redis (no shared mutable object, no class instances, no bigint).
 */
export function validateJob<P>(queueName: string, jobName: string, payload: P, options: EnqueueOptions): P {
  if (!queueName) throw new InvalidJobError('queueName must not be empty');
  if (!jobName) throw new InvalidJobError('jobName must not be empty');
  if (typeof options?.jobId !== 'string' || options.jobId.length === 0) throw new InvalidJobError('jobId must be a non-empty string');
  if (options.delayMs !== undefined && !(options.delayMs >= 0)) throw new InvalidJobError('delayMs must be >= 0');
  if (options.attempts !== undefined && !(Number.isInteger(options.attempts) && options.attempts >= 1)) {
    throw new InvalidJobError('attempts must be an integer >= 1');
  }
  if (options.backoff && !(options.backoff.delayMs >= 0)) throw new InvalidJobError('backoff.delayMs must be >= 0');
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new InvalidJobError(`payload of ${jobName} is not JSON-serialisable: ${(error as Error).message}`);
  }
  return json === undefined ? (undefined as P) : (JSON.parse(json) as P);
}

export function validateSchedule(schedule: Schedule): void {
  if ('everyMs' in schedule) {
    if (!(Number.isInteger(schedule.everyMs) && schedule.everyMs > 0)) throw new InvalidJobError('everyMs must be a positive integer');
  } else if (!schedule.cron?.trim()) {
    throw new InvalidJobError('cron must not be empty');
  }
}

/** One handler per job name for a queue that carries several kinds of job; an unknown name fails the job. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler types its own payload
export function routeByJobName(handlers: Record<string, JobHandler<any>>): JobHandler {
  return async (job) => {
    const handler = Object.prototype.hasOwnProperty.call(handlers, job.name) ? handlers[job.name] : undefined;
    if (!handler) throw new Error(`No handler for job ${job.name} in queue ${job.queueName}`);
    await handler(job);
  };
}
