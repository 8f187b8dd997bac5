import { CliCommand, CliContext, CliError } from '../cli-command';

export const projectionsRebuild: CliCommand = {
  name: ['projections', 'rebuild'],
  arguments: '<name>',
  summary: 'fill a new generation from zero, then switch to it (the old rows serve meanwhile)',
  opensRuntime: true,
  checkArguments([name]) {
    if (!name) throw new CliError('name the projection to rebuild (see projections status)', 2);
  },
  async run([name], context?: CliContext) {
    const { readSide, progress } = context!;
    let runner;
    try {
      runner = readSide.projection(name);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    await runner.rebuild();
    for (;;) {
      const status = await runner.status();
      if (status.failed) throw new CliError(`${name}: rebuild failed: ${status.failed}`);
      if (status.rebuilding === undefined && status.lag === 0) {
        await runner.stop();
        return {
          data: { name, generation: status.generation, position: status.position },
          text: `${name}: rebuilt, now serving generation ${status.generation} at position ${status.position}`,
        };
      }
      progress(`${name}: rebuilding generation ${status.rebuilding?.generation ?? '?'} at position ${status.rebuilding?.position ?? '?'}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  },
};
