import { ResolvedConfig } from '@app/config';
import { SqlDatabase } from '@app/database';
import { Clock, EventCatalog } from '@app/ddd';
import { DataKeyStore, PersonalDataEventStore, UpcasterRegistry } from '@app/event-store';
import { SealHistoryReport } from '@app/event-store-pg';
import { FastLane } from '@app/http';
import { JobQueue, Mailer } from '@app/messaging';
import { Metrics } from '@app/metrics';
import { ReadSideRegistry } from '@app/projections';
import { PasswordHasher, SecretBox } from '@app/security';
import { Logger as PinoLogger } from 'pino';

/**
 * The opened infrastructure of one process: created before NestJS boots, closed after it stops, so
 * the order of shutdown is explicit (HTTP first, then subscriptions, then the store and the lock).
 */
export interface Runtime {
  readonly config: ResolvedConfig;
  readonly db: SqlDatabase;
  /** The log through the erasure seam: personal fields sealed at append, opened on every read. */
  readonly eventStore: PersonalDataEventStore;
  readonly clock: Clock;
  readonly logger: PinoLogger;
  readonly catalog: EventCatalog;
  /** The accounts' data keys (destroying one erases that account's personal fields in every event). */
  readonly dataKeys: DataKeyStore;
  /**
   * The one-time rewrite of events stored before the erasure seam (PostgreSQL/PGlite), run once every
   * context has declared its event types (CoreModule, at application bootstrap).
   */
  readonly sealHistory?: () => Promise<SealHistoryReport>;
  /** Upcasters of old event schema versions; contexts register theirs when their module is built. */
  readonly upcasters: UpcasterRegistry;
  readonly secretBox: SecretBox;
  readonly passwordHasher: PasswordHasher;
  readonly queue: JobQueue;
  readonly mailer: Mailer;
  /** Projections, reactions and job workers contributed by the bounded contexts. */
  readonly readSide: ReadSideRegistry;
  /** Hot routes served from node:http in front of the framework (key verification). */
  readonly fastLane: FastLane;
  /** This process's Prometheus series (served at `GET /metrics` when METRICS_PORT or METRICS_TOKEN is set). */
  readonly metrics: Metrics;
  /** Extra resources to close, in order, after the store. */
  readonly closers: Array<() => Promise<void>>;
}
