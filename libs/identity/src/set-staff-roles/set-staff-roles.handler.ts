import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { accountDecider, effectiveRoles } from '../domain/account.decider';
import { AccountResourceNotFoundError } from '../domain/account.errors';
import { accountStream } from '../domain/account.events';
import { SetStaffRolesCommand } from './set-staff-roles.command';
import { StaffRolesDto } from './set-staff-roles.dto';

@CommandHandler(SetStaffRolesCommand)
export class SetStaffRolesHandler implements ICommandHandler<SetStaffRolesCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, roles, context }: SetStaffRolesCommand): Promise<StaffRolesDto> {
    const { state } = await this.runner.run(accountStream(accountId), accountDecider, { kind: 'SetStaffRoles', roles }, context, {
      accountId,
      occurredAt: this.clock.now(),
    });
    if (!state.exists) throw new AccountResourceNotFoundError('account');
    return { accountId, roles: effectiveRoles(state, this.config.bootstrapAdminEmail) };
  }
}
