import { INestApplicationContext, Type } from '@nestjs/common';
import { ResolvedConfig } from '@app/config';
import { EventCatalog, EventDeclaration, EventDeclarations } from '@app/ddd';
import { registerErrorStatuses } from '@app/http';
import { JobHandler, routeByJobName, WorkerOptions } from '@app/messaging';
import { Projection, Reaction, ReadSideRegistry, WorkerSchedule } from '@app/projections';
import { APP_CONFIG } from './tokens';

/** What a process is for: `api` serves HTTP, `worker` runs the read side, `embedded` does both. */
export type ProcessRole = 'api' | 'worker' | 'embedded';

export const servesHttp = (role: ProcessRole): boolean => role !== 'worker';

/** A service of the context that makes the handler of one job (resolved from the app's providers). */
export interface JobSource {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job handler reads its own payload type
  handler(): JobHandler<any>;
}

/** A service of the context that makes a reaction needing its providers (the event store, say). */
export interface ReactionSource {
  reaction(): Reaction;
}

/** One of several handlers a provider makes (`jobOf(DisputeJobs, (jobs) => jobs.mail())`). */
export interface JobMethod<Provider = unknown> {
  readonly provider: Type<Provider>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job handler reads its own payload type
  handler(provider: Provider): JobHandler<any>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job handler reads its own payload type
export function jobOf<Provider>(provider: Type<Provider>, handler: (provider: Provider) => JobHandler<any>): JobMethod<Provider> {
  return { provider, handler };
}

export interface JobWorkerDeclaration {
  readonly queue: string;
  /** Job name -> the provider that handles it (its `handler()`), or one method of a provider. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a declaration lists methods of different providers
  readonly jobs: Readonly<Record<string, Type<JobSource> | JobMethod<any>>>;
  /** Upserted only by processes that run this worker; a function when they depend on the configuration. */
  readonly schedules?: readonly WorkerSchedule[] | ((config: ResolvedConfig) => readonly WorkerSchedule[]);
  readonly options?: WorkerOptions;
}

/**
 * Everything a bounded context contributes to a process, in one place: no registration in module
 * constructors. `EventType` and `ErrorCode` are the context's unions, so a type without a version or a
 * code without a status does not compile; `registerContexts` checks the statuses again when the
 * process starts.
 */
export interface ContextDeclaration<EventType extends string = string, ErrorCode extends string = string> {
  /** Stable, lower-case: `identity`, `sessions`, `api-keys`. */
  readonly name: string;
  /** The NestJS module with its controllers and providers (imported by every role). */
  readonly module: Type<unknown>;
  /** The context's further modules, when it has more than one (imported by every role, after `module`). */
  readonly moreModules?: readonly Type<unknown>[];
  /** Modules only processes that serve HTTP import (`api`, `embedded`): request-side caches and timers. */
  readonly httpModules?: readonly Type<unknown>[];
  readonly errors: { readonly [code in ErrorCode]: number };
  readonly events: EventDeclarations<EventType>;
  readonly projections?: readonly Projection[];
  readonly reactions?: readonly Reaction[];
  /** Reactions made by a provider of the context (resolved from the started app's providers). */
  readonly reactionSources?: readonly Type<ReactionSource>[];
  readonly jobWorkers?: readonly JobWorkerDeclaration[];
}

/** Identity function that keeps the context's unions for the type check. */
export function defineContext<EventType extends string, ErrorCode extends string>(
  declaration: ContextDeclaration<EventType, ErrorCode>,
): ContextDeclaration<EventType, ErrorCode> {
  return declaration;
}

/** A worker's schedules under `config`. */
export function workerSchedules(worker: JobWorkerDeclaration, config: ResolvedConfig): readonly WorkerSchedule[] {
  return typeof worker.schedules === 'function' ? worker.schedules(config) : (worker.schedules ?? []);
}

/** The NestJS modules of the contexts for a role. */
export function contextModules(contexts: readonly ContextDeclaration[], role: ProcessRole): Type<unknown>[] {
  return contexts.flatMap((context) => [
    context.module,
    ...(context.moreModules ?? []),
    ...(servesHttp(role) ? (context.httpModules ?? []) : []),
  ]);
}

/**
 * Registers the contexts' event versions, error statuses, projections and reactions. Throws (so the
 * process does not start) on an error code without a valid HTTP status, a code two contexts map
 * differently, or an event type declared twice.
 */
export function registerContexts(
  contexts: readonly ContextDeclaration[],
  registries: { readonly catalog: EventCatalog; readonly readSide: ReadSideRegistry },
): void {
  const eventOwners = new Map<string, string>();
  for (const context of contexts) {
    for (const [code, status] of Object.entries<number>(context.errors)) {
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new Error(`context ${context.name}: error code ${code} has no valid HTTP status (${String(status)})`);
      }
    }
    registerErrorStatuses(context.errors);
    const declarations: Record<string, EventDeclaration> = {};
    for (const [type, declaration] of Object.entries<EventDeclaration>(context.events)) {
      const owner = eventOwners.get(type);
      if (owner !== undefined) throw new Error(`event type ${type} declared by ${owner} and ${context.name}`);
      if (!Number.isInteger(declaration.version) || declaration.version < 1) {
        throw new Error(`context ${context.name}: event type ${type} has no valid schema version`);
      }
      eventOwners.set(type, context.name);
      declarations[type] = declaration;
    }
    // With their personal fields: the erasure seam seals what the catalog says is personal.
    registries.catalog.register(declarations);
    for (const projection of context.projections ?? []) registries.readSide.addProjection(projection);
    for (const reaction of context.reactions ?? []) registries.readSide.addReaction(reaction);
  }
}

/**
 * The job workers of the contexts and the reactions their providers make, resolved from the started
 * app's providers.
 */
export function registerJobWorkers(
  contexts: readonly ContextDeclaration[],
  app: INestApplicationContext,
  readSide: ReadSideRegistry,
): void {
  const config = app.get<ResolvedConfig>(APP_CONFIG, { strict: false });
  for (const context of contexts) {
    for (const source of context.reactionSources ?? []) readSide.addReaction(app.get(source, { strict: false }).reaction());
    for (const worker of context.jobWorkers ?? []) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each job handler reads its own payload type
      const handlers: Record<string, JobHandler<any>> = {};
      for (const [job, source] of Object.entries(worker.jobs)) {
        handlers[job] =
          typeof source === 'function'
            ? app.get(source, { strict: false }).handler()
            : source.handler(app.get(source.provider, { strict: false }));
      }
      readSide.addJobWorker({
        queue: worker.queue,
        handler: routeByJobName(handlers),
        schedules: workerSchedules(worker, config),
        options: worker.options,
      });
    }
  }
}

/** The personal fields of every declared event type, for the erasure seam. */
export function personalFieldsByEventType(contexts: readonly ContextDeclaration[]): ReadonlyMap<string, readonly string[]> {
  const fields = new Map<string, readonly string[]>();
  for (const context of contexts) {
    for (const [type, declaration] of Object.entries<EventDeclaration>(context.events)) {
      if (declaration.personal && declaration.personal.length > 0) fields.set(type, declaration.personal);
    }
  }
  return fields;
}
