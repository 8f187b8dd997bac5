import { RecordedEvent } from '@app/event-store';
import { Backoff, JobHandler, Schedule, ScheduledJob, WorkerOptions } from '@app/messaging';

/** A job a reaction asks for. Its id is derived from the event id, so re-driving an event is a no-op. */
export interface JobRequest {
  readonly queue: string;
  readonly name: string;
  /** JSON only. Never a secret: derive tokens in the job handler (e.g. by HMAC from an id in the event). */
  readonly payload: unknown;
  /** Distinguishes several jobs of one name from one event. */
  readonly key?: string;
  readonly delayMs?: number;
  readonly attempts?: number;
  readonly backoff?: Backoff;
}

/**
 * Event -> jobs. Driven from the global log with its own checkpoint: at least once, deduplicated by
 * job id. `react` must be deterministic for a given event (it may read state, e.g. the event's stream).
 */
export interface Reaction {
  /** Stable: part of the checkpoint name and of every job id. */
  readonly name: string;
  readonly eventTypePrefixes?: readonly string[];
  react(event: RecordedEvent): readonly JobRequest[] | Promise<readonly JobRequest[]>;
}

export interface JobWorker {
  readonly queue: string;
  readonly handler: JobHandler;
  readonly options?: WorkerOptions;
  /**
   * Upserted into `queue` when this worker starts (`ReadSide.start` with workers), so only processes
   * that run the worker schedule its jobs; an api-only process never does.
   */
  readonly schedules?: readonly WorkerSchedule[];
}

/** A job enqueued on every occurrence of `schedule` (see `JobQueue.upsertSchedule`). */
export interface WorkerSchedule {
  /** Stable: part of every occurrence's job id. */
  readonly name: string;
  readonly schedule: Schedule;
  readonly job: ScheduledJob<unknown>;
}

/**
 * The schedule of a tidy-up sweep: every 5 minutes by cron, not `everyMs`, so processes sharing a
 * database enqueue the same job id per occurrence. The next occurrence is the real retry; the failed
 * list keeps a run that failed three times.
 */
export function sweepSchedule(name: string, jobName: string): WorkerSchedule {
  return {
    name,
    schedule: { cron: '*/5 * * * *' },
    job: { name: jobName, payload: {}, attempts: 3, backoff: { type: 'fixed', delayMs: 60_000 } },
  };
}

export function jobIdFor(reaction: Reaction, event: RecordedEvent, job: JobRequest): string {
  return [reaction.name, job.name, event.id, job.key].filter((part) => part !== undefined).join('/');
}
