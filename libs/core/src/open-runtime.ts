import { ResolvedConfig } from '@app/config';
import { openDatabase, SqlDatabase } from '@app/database';
import { Clock, EventCatalog, systemClock } from '@app/ddd';
import { CachedDataKeyStore, EventStore, PersonalDataEventStore, UpcasterRegistry, WrongExpectedRevisionError } from '@app/event-store';
import { EventStoreDbStore, selectEventStoreKind } from '@app/event-store-esdb';
import { PostgresEventStore, SqlDataKeyStore, sealStoredHistory } from '@app/event-store-pg';
import { FastLane } from '@app/http';
import { createJobQueue, createMailer, JobQueue, MAIL_QUEUE, Mailer, sendMailJob } from '@app/messaging';
import { Metrics, metricsServed } from '@app/metrics';
import { ReadSide, ReadSideRegistry } from '@app/projections';
import { PasswordHasher, SecretBox } from '@app/security';
import { Logger as PinoLogger } from 'pino';
import { Runtime } from './runtime';

export interface RuntimeOverrides {
  readonly clock?: Clock;
  /** Tests: an in-memory PGlite instead of DATA_DIR when no DATABASE_URL is set. */
  readonly inMemory?: boolean;
  readonly db?: SqlDatabase;
  readonly mailer?: Mailer;
  readonly queue?: JobQueue;
  readonly upcasters?: UpcasterRegistry;
  readonly metrics?: Metrics;
}

/** The same store, each append (one stream or several) timed into `event_store_append_duration_seconds`. */
function withTimedAppends<Store extends EventStore>(store: Store, metrics: Metrics): Store {
  const timed =
    <Args extends unknown[], Result>(write: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      const started = performance.now();
      let result = 'error';
      try {
        const written = await write(...args);
        result = 'ok';
        return written;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) result = 'conflict';
        throw error;
      } finally {
        metrics.eventStoreAppendDuration.labels({ adapter: store.name, result }).observe((performance.now() - started) / 1000);
      }
    };
  const append: EventStore['append'] = timed((stream, events, expected) => store.append(stream, events, expected));
  const appendToStreams =
    store.appendToStreams && timed((appends: Parameters<NonNullable<EventStore['appendToStreams']>>[0]) => store.appendToStreams!(appends));
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      if (property === 'appendToStreams') return appendToStreams;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Opens the infrastructure the configuration names: the event store (EventStoreDB, else PostgreSQL,
 * else PGlite), the read-model database (PostgreSQL, else the same PGlite), the job queue (BullMQ when
 * REDIS_URL, else the durable SQL queue in that database) and the mailer (SMTP when MAIL_URL, else the
 * outbox directory).
 */
export async function openRuntime(config: ResolvedConfig, logger: PinoLogger, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const db =
    overrides.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: overrides.inMemory ? undefined : config.dataDir }));
  const closers: Array<() => Promise<void>> = [];
  let openedQueue: JobQueue | undefined;
  try {
    const upcasters = overrides.upcasters ?? new UpcasterRegistry();
    const metrics = overrides.metrics ?? new Metrics();
    const onEventStoreDb =
      selectEventStoreKind({ EVENTSTORE_CONNECTION_STRING: config.eventStoreConnectionString, DATABASE_URL: config.databaseUrl }) ===
      'esdb';
    const storedEvents: EventStore = onEventStoreDb
      ? EventStoreDbStore.connect(config.eventStoreConnectionString!)
      : await PostgresEventStore.create(db);
    // Personal fields are sealed with the account's data key before any adapter hashes and stores them;
    // the keys live in the read-model database, whichever store holds the log. The seam upcasts, after
    // opening, so upcasters see plain values.
    const secretBox = new SecretBox(config.dataEncryptionKey);
    const catalog = new EventCatalog();
    const dataKeys = new CachedDataKeyStore(await SqlDataKeyStore.create(db, secretBox));
    const eventStore = withTimedAppends(new PersonalDataEventStore(storedEvents, catalog, dataKeys, upcasters), metrics);
    await ReadSide.migrate(db);
    // After the database: on the embedded default the jobs live in it (and the queue closes before it).
    const queue =
      overrides.queue ??
      (await createJobQueue({
        redisUrl: config.redisUrl,
        db,
        logger: logger.child({ component: 'queue' }),
        defaultBackoff: { type: 'exponential', delayMs: config.jobRetryDelayMs },
        lockDurationMs: config.jobLockMs,
      }));
    openedQueue = queue;
    const mailer = overrides.mailer ?? createMailer({ mailUrl: config.mailUrl, mailFrom: config.mailFrom, dataDir: config.dataDir });
    closers.push(
      () => queue.close(),
      () => mailer.close(),
      () => eventStore.close(),
      () => db.close(),
    );
    const readSide = new ReadSideRegistry();
    readSide.addJobWorker({ queue: MAIL_QUEUE, handler: sendMailJob(mailer) as never, options: { concurrency: 2 } });
    return {
      config,
      db,
      eventStore,
      clock: overrides.clock ?? systemClock,
      logger,
      catalog,
      dataKeys,
      // EventStoreDB's events cannot be rewritten: there, events from before the seam stay as written.
      sealHistory: onEventStoreDb ? undefined : () => sealStoredHistory(db, (event) => eventStore.sealEvent(event)),
      upcasters,
      secretBox,
      passwordHasher: new PasswordHasher(config.bcryptCost),
      queue,
      mailer,
      readSide,
      fastLane: new FastLane({ bodyLimitBytes: config.bodyLimitBytes, logger, metrics: metricsServed(config) ? metrics : undefined }),
      metrics,
      closers,
    };
  } catch (error) {
    if (openedQueue && openedQueue !== overrides.queue) await openedQueue.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** Closes in order: queue and mailer, then the store, then the database (which releases DATA_DIR). */
export async function closeRuntime(runtime: Runtime): Promise<void> {
  for (const close of runtime.closers) {
    try {
      await close();
    } catch (error) {
      runtime.logger.warn({ err: (error as Error).message }, 'error while closing');
    }
  }
}
