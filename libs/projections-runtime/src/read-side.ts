import { migrate, SqlDatabase } from '@app/database';
import { EventStore } from '@app/event-store';
import { JobQueue } from '@app/messaging';
import { ProjectionRunner, ProjectionStatus } from './projection-runner';
import { ReactionRunner, ReactionStatus } from './reaction-runner';
import { ReadSideRegistry } from './read-side-registry';
import { readSideMigrations } from './read-side.migrations';

export interface ReadSideStatus {
  readonly projections: readonly ProjectionStatus[];
  readonly reactions: readonly ReactionStatus[];
}

/** Runs everything the registry holds: projections, reactions and job workers. */
export class ReadSide {
  private readonly projectionRunners: ProjectionRunner[];
  private readonly reactionRunners: ReactionRunner[];

  constructor(
    private readonly registry: ReadSideRegistry,
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly queue: JobQueue,
    onError: (component: string, error: Error) => void = () => undefined,
  ) {
    this.projectionRunners = registry.projections.map(
      (projection) => new ProjectionRunner(projection, db, store, (error) => onError(`projection ${projection.name}`, error)),
    );
    this.reactionRunners = registry.reactions.map(
      (reaction) => new ReactionRunner(reaction, db, store, queue, (error) => onError(`reaction ${reaction.name}`, error)),
    );
  }

  static migrate(db: SqlDatabase): Promise<string[]> {
    return migrate(db, readSideMigrations);
  }

  /** Creates every projection's tables and views, without following the log (for api-only processes). */
  async prepareTables(): Promise<void> {
    await ReadSide.migrate(this.db);
    for (const runner of this.projectionRunners) await runner.ensureTables();
  }

  /**
   * `schedules` (default: as `workers`) upserts the workers' schedules; tests on a manual clock turn it
   * off, since schedules follow the wall clock and would run sweeps at moments the test does not choose.
   */
  async start(options: { projections?: boolean; reactions?: boolean; workers?: boolean; schedules?: boolean } = {}): Promise<void> {
    await ReadSide.migrate(this.db);
    if (options.projections ?? true) for (const runner of this.projectionRunners) await runner.start();
    if (options.reactions ?? true) for (const runner of this.reactionRunners) await runner.start();
    const workers = options.workers ?? true;
    if (workers) {
      for (const worker of this.registry.workers) {
        this.queue.registerWorker(worker.queue, worker.handler, worker.options);
        if (!(options.schedules ?? workers)) continue;
        for (const { name, schedule, job } of worker.schedules ?? []) await this.queue.upsertSchedule(worker.queue, name, schedule, job);
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.projectionRunners, ...this.reactionRunners].map((runner) => runner.stop()));
  }

  async status(): Promise<ReadSideStatus> {
    return {
      projections: await Promise.all(this.projectionRunners.map((runner) => runner.status())),
      reactions: await Promise.all(this.reactionRunners.map((runner) => runner.status())),
    };
  }

  projection(name: string): ProjectionRunner {
    const runner = this.projectionRunners.find((candidate) => candidate.name === name);
    if (!runner) throw new Error(`no projection named ${name}; known: ${this.projectionRunners.map((r) => r.name).join(', ')}`);
    return runner;
  }

  /** Resolves once every projection serves all events committed so far and every reaction has enqueued its jobs. */
  async settle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Everything committed before settle was called must first become readable (PostgreSQL: until no
    // older transaction can still commit below it), else "no lag" could mean "nothing visible yet".
    const committed = await (this.store.lastCommittedPosition?.() ?? this.store.headPosition());
    while ((await this.store.headPosition()) < committed) {
      if (Date.now() > deadline) throw new Error(`the log did not become readable up to ${committed}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (;;) {
      const status = await this.status();
      const pending = [
        ...status.projections.filter((p) => p.lag > 0 || p.rebuilding || p.failed),
        ...status.reactions.filter((r) => r.lag > 0 || r.failed),
      ];
      if (pending.length === 0) return;
      const failed = pending.filter((component) => component.failed);
      if (failed.length > 0) throw new Error(`read side failed: ${JSON.stringify(failed)}`);
      if (Date.now() > deadline) throw new Error(`read side not settled: ${JSON.stringify(pending)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
