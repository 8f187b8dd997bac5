import { randomUUID } from 'node:crypto';
import { RequestContext, STAFF_ROLES, StaffRole } from '@app/ddd';
import { CliCommand, CliContext, CliError } from '../cli-command';
import { accountByEmail } from './account-lookup';

/** Who the audit trail names for a change made from the CLI. */
const operatorContext = (): RequestContext => ({ actor: { kind: 'system', id: 'operator-cli' }, correlationId: randomUUID() });

function roleOf(role: string | undefined): StaffRole {
  if (!role || !(STAFF_ROLES as readonly string[]).includes(role)) {
    throw new CliError(`name a staff role: ${STAFF_ROLES.join(', ')}`, 2);
  }
  return role as StaffRole;
}

function rolesCommand(verb: 'grant' | 'revoke'): CliCommand {
  return {
    name: ['roles', verb],
    arguments: '<email> <role>',
    summary: `${verb === 'grant' ? 'give' : 'take away'} a staff role (${STAFF_ROLES.join(', ')}); written to the account's stream`,
    opensRuntime: true,
    checkArguments([, role]) {
      roleOf(role);
    },
    async run([email, role], context?: CliContext) {
      const wanted = roleOf(role);
      const [{ CommandBus }, { SetStaffRolesCommand }] = await Promise.all([import('@nestjs/cqrs'), import('@app/identity')]);
      const account = await accountByEmail(context!, email);
      const roles =
        verb === 'grant' ? [...new Set([...account.roles, wanted])] : account.roles.filter((held: StaffRole) => held !== wanted);
      const result = await context!.app.get(CommandBus).execute(new SetStaffRolesCommand(account.accountId, roles, operatorContext()));
      const changed = roles.length !== account.roles.length;
      return {
        data: { accountId: account.accountId, email: account.email, changed, roles: result.roles },
        text: `${account.email}: ${changed ? `${verb === 'grant' ? 'granted' : 'revoked'} ${wanted}` : `already ${verb === 'grant' ? 'held' : 'lacked'} ${wanted}`}; roles now: ${result.roles.join(', ') || '(none)'}`,
      };
    },
  };
}

export const rolesGrant = rolesCommand('grant');
export const rolesRevoke = rolesCommand('revoke');
