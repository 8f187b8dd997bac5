import 'reflect-metadata';
import { loadConfig, resolveSecrets } from '@app/config';
import { openRuntime } from '@app/core';
import { createLogger } from '@app/http';
import { startApi } from './bootstrap';
import { exitOnSignals } from './process-lifecycle';

/** Production api instance: serves HTTP only; projections and reactions run in the worker. */
async function main(): Promise<void> {
  const config = resolveSecrets(loadConfig());
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, logger);
  const started = await startApi(runtime, { listen: true });
  logger.info({ port: config.port, mode: config.mode, store: runtime.eventStore.name }, 'api listening');
  exitOnSignals(logger, started.close);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
