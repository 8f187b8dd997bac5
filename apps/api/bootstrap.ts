import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { closeRuntime, registerContexts, registerJobWorkers, Runtime } from '@app/core';
import { createHttpApp, loggableError } from '@app/http';
import { metricsServed } from '@app/metrics';
import { ReadSide } from '@app/projections';
import { ApiModule } from './api.module';
import { openApiOptionsOf } from './docs/openapi';
import { serveApiReference } from './docs/reference-page';
import { contexts } from './contexts';
import { ReadSideHandle } from './health/read-side-status';
import { serveHub } from './hub/serve-hub';
import { collectReadSideMetrics, serveMetrics } from './metrics/metrics-endpoint';

export interface ReadSideRoles {
  readonly projections: boolean;
  readonly reactions: boolean;
  readonly workers: boolean;
  /** Upsert the workers' schedules (default: as `workers`). */
  readonly schedules?: boolean;
}

export interface StartedApi {
  readonly app: NestFastifyApplication;
  readonly readSide: ReadSide;
  close(): Promise<void>;
}

/**
 * Builds the HTTP app on an opened runtime. With `roles`, the same process also runs projections,
 * reactions and job workers (the embedded default; tests); without, it only serves (production api).
 */
export async function startApi(runtime: Runtime, options: { listen: boolean; roles?: ReadSideRoles }): Promise<StartedApi> {
  const { config, logger } = runtime;
  registerContexts(contexts, runtime);
  const app = await createHttpApp(ApiModule.forRoot(runtime, options.roles ? 'embedded' : 'api'), {
    fastLane: runtime.fastLane,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    corsOrigins: config.corsOrigins,
    logger,
    metrics: metricsServed(config) ? runtime.metrics : undefined,
  });
  serveHub(app, config);
  serveApiReference(app, config.publicUrl, openApiOptionsOf(config));
  const metricsServer = await serveMetrics(runtime, app);
  await app.init();
  registerJobWorkers(contexts, app, runtime.readSide);
  const readSide = new ReadSide(runtime.readSide, runtime.db, runtime.eventStore, runtime.queue, (component, error) =>
    logger.error({ component, err: loggableError(error) }, 'read side component failed'),
  );
  const handle = app.get(ReadSideHandle);
  handle.current = readSide;
  if (options.roles) handle.runs = options.roles;
  collectReadSideMetrics(runtime.metrics, readSide, runtime);
  if (options.roles) await readSide.start(options.roles);
  else await readSide.prepareTables();
  if (options.listen) await app.listen({ port: config.port, host: config.host });
  let closed: Promise<void> | undefined;
  return {
    app,
    readSide,
    close: () =>
      (closed ??= (async () => {
        await app.close();
        await metricsServer?.close();
        await readSide.stop();
        await closeRuntime(runtime);
      })()),
  };
}
