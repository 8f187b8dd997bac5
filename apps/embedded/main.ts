import 'reflect-metadata';
import { loadConfig, resolveSecrets } from '@app/config';
import { openRuntime } from '@app/core';
import { createLogger } from '@app/http';
import { startApi } from '../api/bootstrap';
import { exitOnSignals } from '../api/process-lifecycle';

/**
 * `npm start`: the api and the worker in one process. On the embedded default (no DATABASE_URL) this is
 * the only way to run, since PGlite is one connection owned by one process.
 */
async function main(): Promise<void> {
  const config = resolveSecrets(loadConfig());
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, logger);
  const started = await startApi(runtime, { listen: true, roles: { projections: true, reactions: true, workers: true } });
  logger.info(
    { port: config.port, mode: config.mode, store: runtime.eventStore.name, dataDir: config.dataDir },
    'account service listening',
  );
  exitOnSignals(logger, started.close);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
