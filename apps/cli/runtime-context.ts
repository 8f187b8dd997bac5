import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, resolveSecrets } from '@app/config';
import { closeRuntime, openRuntime, registerContexts } from '@app/core';
import { createLogger, nestLoggerOver } from '@app/http';
import { ReadSide } from '@app/projections';
import { contexts } from '../api/contexts';
import { WorkerModule } from '../worker/worker.module';
import { CliContext } from './cli-command';

/**
 * Opens the store, the contexts' modules as the worker has them and the read side, runs `work`, and closes
 * them again. main.ts loads this file only for a command that opens the runtime: through the contexts it
 * loads the whole service (about 3,200 modules), which `--help`, a usage error and `config check` do without.
 */
export async function withRuntime<T>(progress: (line: string) => void, work: (context: CliContext) => Promise<T>): Promise<T> {
  const config = resolveSecrets(loadConfig());
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const runtime = await openRuntime(config, logger);
  registerContexts(contexts, runtime);
  try {
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(runtime), { logger: nestLoggerOver(logger) });
    try {
      const readSide = new ReadSide(runtime.readSide, runtime.db, runtime.eventStore, runtime.queue);
      await readSide.prepareTables();
      return await work({ runtime, readSide, app, progress });
    } finally {
      await app.close();
    }
  } finally {
    await closeRuntime(runtime);
  }
}
