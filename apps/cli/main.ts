import { CliCommand, CliError, CliResult } from './cli-command';
import { cliCommands } from './commands';

function usage(commands: readonly CliCommand[]): string {
  const lines = commands.map((command) => [`${command.name.join(' ')} ${command.arguments}`.trim(), command.summary] as const);
  const width = Math.max(...lines.map(([left]) => left.length));
  return [
    'usage: npm run cli -- <command> [arguments] [--json]',
    '',
    ...lines.map(([left, summary]) => `  ${left.padEnd(width)}  ${summary}`),
    '',
    'options: --json  print the result as JSON on stdout (errors as {"error": ...} on stderr)',
    '         --help  this text',
    'Against the embedded default (no DATABASE_URL) the service must be stopped: one process per DATA_DIR.',
    'Exit codes: 0 done, 1 failed, 2 usage.',
  ].join('\n');
}

/** The longest command name the arguments start with. */
function find(words: readonly string[]): { command: CliCommand; args: string[] } | undefined {
  const matches = cliCommands.filter((command) => command.name.every((word, index) => words[index] === word));
  const command = matches.sort((a, b) => b.name.length - a.name.length)[0];
  return command ? { command, args: words.slice(command.name.length) } : undefined;
}

async function execute(command: CliCommand, args: string[], json: boolean): Promise<CliResult> {
  const progress = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  if (!command.opensRuntime) return command.run(args, undefined);
  command.checkArguments?.(args);
  const { withRuntime } = await import('./runtime-context');
  return withRuntime(progress, (context) => command.run(args, context));
}

/** The operators' CLI: `npm run cli -- --help`. */
async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const words = argv.filter((word) => word !== '--json');
  if (words.length === 0 || words.includes('--help') || words.includes('-h')) {
    const found = find(words.filter((word) => word !== '--help' && word !== '-h'));
    process.stdout.write(
      `${found ? `usage: npm run cli -- ${found.command.name.join(' ')} ${found.command.arguments} [--json]\n  ${found.command.summary}` : usage(cliCommands)}\n`,
    );
    return words.length === 0 ? 2 : 0;
  }
  const found = find(words);
  if (!found) {
    process.stderr.write(`unknown command: ${words.join(' ')}\n\n${usage(cliCommands)}\n`);
    return 2;
  }
  try {
    const result = await execute(found.command, found.args, json);
    process.stdout.write(json ? `${JSON.stringify(result.data, null, 2)}\n` : `${result.text}\n`);
    return result.exitCode ?? 0;
  } catch (error) {
    const message = (error as Error).message;
    const code = error instanceof CliError ? error.exitCode : 1;
    process.stderr.write(json ? `${JSON.stringify({ error: message })}\n` : `${message}\n`);
    return code;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);
