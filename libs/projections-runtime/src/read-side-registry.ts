import { Projection } from './projection';
import { JobWorker, Reaction } from './reaction';

/**
 * What each bounded context contributes to the read side. Modules add theirs when they are
 * constructed; the worker (or the embedded process) runs everything registered here.
 */
export class ReadSideRegistry {
  private readonly projectionsByName = new Map<string, Projection>();
  private readonly reactionsByName = new Map<string, Reaction>();
  private readonly jobWorkers: JobWorker[] = [];

  addProjection(projection: Projection): void {
    if (this.projectionsByName.has(projection.name)) throw new Error(`projection ${projection.name} registered twice`);
    this.projectionsByName.set(projection.name, projection);
  }

  addReaction(reaction: Reaction): void {
    if (this.reactionsByName.has(reaction.name)) throw new Error(`reaction ${reaction.name} registered twice`);
    this.reactionsByName.set(reaction.name, reaction);
  }

  addJobWorker(worker: JobWorker): void {
    this.jobWorkers.push(worker);
  }

  get projections(): readonly Projection[] {
    return [...this.projectionsByName.values()];
  }

  get reactions(): readonly Reaction[] {
    return [...this.reactionsByName.values()];
  }

  get workers(): readonly JobWorker[] {
    return this.jobWorkers;
  }
}
