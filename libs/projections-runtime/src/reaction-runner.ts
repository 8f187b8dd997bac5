import { SqlDatabase } from '@app/database';
import { EventStore, RecordedEvent, Subscription } from '@app/event-store';
import { JobQueue } from '@app/messaging';
import { jobIdFor, Reaction } from './reaction';
import { restartDelayMs } from './restart-delay';

export interface ReactionStatus {
  readonly name: string;
  readonly position: string;
  readonly lag: number;
  readonly failed?: string;
}

/**
 * Drives one reaction from the log: for each event, enqueue its jobs (ids derived from the event id),
 * then store the checkpoint. A crash between the two re-enqueues the same ids, which the queue drops:
 * at least once, deduplicated. While the queue is unreachable (BullMQ waits, the SQL queue refuses)
 * the checkpoint does not advance and the runner follows the log again later, so nothing is lost; no
 * request ever waits on this.
 */
export class ReactionRunner {
  private subscription?: Subscription;
  private failure?: Error;
  private stopped = false;
  private consecutiveFailures = 0;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    private readonly reaction: Reaction,
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly queue: JobQueue,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  get name(): string {
    return this.reaction.name;
  }

  async start(): Promise<void> {
    const after = await this.checkpoint();
    const subscription = this.store.subscribeToAll({ after, typePrefixes: this.reaction.eventTypePrefixes }, async (event) => {
      await this.handle(event);
      this.failure = undefined;
      this.consecutiveFailures = 0;
    });
    this.subscription = subscription;
    void subscription.failed.then((error) => {
      if (this.stopped) return;
      this.failure = error;
      this.consecutiveFailures++;
      this.onError(error);
      this.restartTimer = setTimeout(() => void this.restart(), restartDelayMs(this.consecutiveFailures));
    });
  }

  /** Follows the log again from the stored checkpoint after the subscription failed. */
  private async restart(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.subscription?.stop();
      await this.start();
    } catch (error) {
      this.failure = error as Error;
      this.consecutiveFailures++;
      this.restartTimer = setTimeout(() => void this.restart(), restartDelayMs(this.consecutiveFailures));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.subscription?.stop();
  }

  async status(): Promise<ReactionStatus> {
    const position = await this.checkpoint();
    // Counted from where the running subscription has looked, not from the checkpoint: a reaction whose
    // filter has not matched for a while (or ever: checkpoint 0) would otherwise read the whole log
    // after it at every /health and metrics scrape (nine reactions, 60 ms or more each, on a
    // 40,000-event PGlite log).
    const caughtUpTo = this.subscription?.caughtUpTo?.() ?? 0n;
    const after = caughtUpTo > position ? caughtUpTo : position;
    const pending = await this.store.readAll({ after, maxCount: 10_000, typePrefixes: this.reaction.eventTypePrefixes });
    return {
      name: this.reaction.name,
      position: position.toString(),
      lag: pending.length,
      ...(this.failure ? { failed: this.failure.message } : {}),
    };
  }

  private async handle(event: RecordedEvent): Promise<void> {
    for (const job of await this.reaction.react(event)) {
      await this.queue.enqueue(job.queue, job.name, job.payload, {
        jobId: jobIdFor(this.reaction, event, job),
        delayMs: job.delayMs,
        attempts: job.attempts,
        backoff: job.backoff,
      });
    }
    await this.db.query(
      `INSERT INTO reaction_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = greatest(reaction_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [this.reaction.name, event.position],
    );
  }

  private async checkpoint(): Promise<bigint> {
    const { rows } = await this.db.query<{ position: bigint }>('SELECT position FROM reaction_checkpoints WHERE name = $1', [
      this.reaction.name,
    ]);
    return rows[0]?.position ?? 0n;
  }
}
