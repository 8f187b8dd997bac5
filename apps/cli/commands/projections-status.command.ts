import { CliCommand, CliContext } from '../cli-command';

export const projectionsStatus: CliCommand = {
  name: ['projections', 'status'],
  arguments: '',
  summary: "each projection's generation, checkpoint and lag, and each reaction's",
  opensRuntime: true,
  async run(_args, context?: CliContext) {
    const status = await context!.readSide.status();
    const lines = [
      ...status.projections.map(
        (p) =>
          `projection ${p.name}: v${p.version} generation ${p.generation} at ${p.position}, lag ${p.lag}` +
          `${p.rebuilding ? `, rebuilding generation ${p.rebuilding.generation} at ${p.rebuilding.position}` : ''}` +
          `${p.failed ? `, FAILED: ${p.failed}` : ''}`,
      ),
      ...status.reactions.map((r) => `reaction ${r.name}: at ${r.position}, lag ${r.lag}${r.failed ? `, FAILED: ${r.failed}` : ''}`),
    ];
    return { data: status, text: lines.join('\n') };
  },
};
