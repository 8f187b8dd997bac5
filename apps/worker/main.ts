import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, resolveSecrets } from '@app/config';
import { closeRuntime, openRuntime, registerContexts, registerJobWorkers } from '@app/core';
import { createLogger, loggableError, nestLoggerOver } from '@app/http';
import { ReadSide } from '@app/projections';
import { collectReadSideMetrics, serveMetrics } from '../api/metrics/metrics-endpoint';
import { contexts } from '../api/contexts';
import { exitOnSignals } from '../api/process-lifecycle';
import { WorkerModule } from './worker.module';

/** Production worker: projections, reactions (event -> job) and the job workers (mail, sweeps). */
async function main(): Promise<void> {
  const config = resolveSecrets(loadConfig());
  const logger = createLogger(config.logLevel).child({ process: 'worker' });
  const runtime = await openRuntime(config, logger);
  registerContexts(contexts, runtime);
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(runtime), { logger: nestLoggerOver(logger) });
  registerJobWorkers(contexts, context, runtime.readSide);
  const readSide = new ReadSide(runtime.readSide, runtime.db, runtime.eventStore, runtime.queue, (component, error) =>
    logger.error({ component, err: loggableError(error) }, 'read side component failed'),
  );
  collectReadSideMetrics(runtime.metrics, readSide, runtime);
  // The worker has no HTTP app: its metrics are served on METRICS_PORT only.
  const metricsServer = await serveMetrics(runtime);
  await readSide.start({ projections: true, reactions: true, workers: true });
  logger.info(
    { mode: config.mode, store: runtime.eventStore.name, projections: runtime.readSide.projections.map((p) => p.name) },
    'worker running',
  );
  exitOnSignals(logger, async () => {
    await metricsServer?.close();
    await readSide.stop();
    await context.close();
    await closeRuntime(runtime);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
