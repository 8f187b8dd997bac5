import { auditCommands, AUDIT_USAGE } from './audit-commands';
import { CliCommand } from './cli-command';
import { accountsShow } from './commands/accounts-show.command';
import { configCheck } from './commands/config-check.command';
import { projectionsRebuild } from './commands/projections-rebuild.command';
import { projectionsStatus } from './commands/projections-status.command';
import { rolesGrant, rolesRevoke } from './commands/roles.command';

/** The audit commands, named and described by their usage lines. */
const audit: CliCommand[] = Object.entries(auditCommands).map(([key, run]) => {
  const line = AUDIT_USAGE.split('\n').find((usage) => usage.trim().startsWith(key)) ?? key;
  const [, rest = ''] = /^\s*\S+ \S+ (.*?)\s{2,}/.exec(line) ?? [];
  return {
    name: key.split(' '),
    arguments: rest,
    summary: line.trim().split(/\s{2,}/)[1] ?? '',
    opensRuntime: true,
    run: (args, context) => run(context!.runtime, context!.readSide, [...args]),
  };
});

/** Every operator command; a new one is a file in commands/ and a line here. */
export const cliCommands: readonly CliCommand[] = [
  configCheck,
  projectionsStatus,
  projectionsRebuild,
  rolesGrant,
  rolesRevoke,
  accountsShow,
  ...audit,
];
