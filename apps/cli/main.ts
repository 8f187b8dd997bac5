import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, resolveSecrets } from '@app/config';
import { closeRuntime, openRuntime, registerContexts, Runtime } from '@app/core';
import { createLogger, nestLoggerOver } from '@app/http';
import { ReadSide } from '@app/projections';
import { contexts } from '../api/contexts';
import { WorkerModule } from '../worker/worker.module';

const USAGE = `usage: npm run cli -- <command>
  projections status             each projection's generation, checkpoint and lag
  projections rebuild <name>     fill a new generation from zero, then switch to it (old rows serve meanwhile)`;

type Command = (runtime: Runtime, readSide: ReadSide, args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  'projections status': async (_runtime, readSide) => {
    const status = await readSide.status();
    process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  },
  'projections rebuild': async (_runtime, readSide, [name]) => {
    if (!name) throw new Error('name the projection to rebuild');
    const runner = readSide.projection(name);
    await runner.rebuild();
    for (;;) {
      const status = await runner.status();
      if (status.rebuilding === undefined && status.lag === 0) {
        process.stdout.write(`${name}: rebuilt, now serving generation ${status.generation} at position ${status.position}\n`);
        await runner.stop();
        return 0;
      }
      if (status.failed) throw new Error(`${name}: rebuild failed: ${status.failed}`);
      process.stdout.write(
        `${name}: rebuilding generation ${status.rebuilding?.generation ?? '?'} at position ${status.rebuilding?.position ?? '?'}\n`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  },
};

/** The operators' CLI. Against the embedded default it needs the service stopped (one process per DATA_DIR). */
async function main(argv: string[]): Promise<number> {
  const key = argv.slice(0, 2).join(' ');
  const command = commands[key];
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = resolveSecrets(loadConfig());
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const runtime = await openRuntime(config, logger);
  registerContexts(contexts, runtime);
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(runtime), { logger: nestLoggerOver(logger) });
  const readSide = new ReadSide(runtime.readSide, runtime.db, runtime.eventStore, runtime.queue);
  try {
    await ReadSide.migrate(runtime.db);
    return await command(runtime, readSide, argv.slice(2));
  } finally {
    await context.close();
    await closeRuntime(runtime);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);
