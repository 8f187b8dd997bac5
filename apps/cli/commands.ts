import { CliCommand } from './cli-command';
import { accountsShow } from './commands/accounts-show.command';
import { configCheck } from './commands/config-check.command';
import { projectionsRebuild } from './commands/projections-rebuild.command';
import { projectionsStatus } from './commands/projections-status.command';
import { rolesGrant, rolesRevoke } from './commands/roles.command';

/** Every operator command; a new one is a file in commands/ and a line here. */
export const cliCommands: readonly CliCommand[] = [
  configCheck,
  projectionsStatus,
  projectionsRebuild,
  rolesGrant,
  rolesRevoke,
  accountsShow,
];
