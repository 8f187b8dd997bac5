import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { accountDecider } from '../domain/account.decider';
import { accountStream } from '../domain/account.events';
import { ReinstateAccountCommand, SuspendAccountCommand } from './suspend-account.command';

/**
 * Suspension ends every session with its one event (the session epoch moves on): the account's tokens
 * stop working at once. Only an admin may suspend or reinstate an account that holds a staff role, and
 * no one their own account.
 */
@CommandHandler(SuspendAccountCommand)
export class SuspendAccountHandler implements ICommandHandler<SuspendAccountCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, reason, staff, context }: SuspendAccountCommand): Promise<void> {
    const now = this.clock.now();
    const by = { accountId: staff.accountId, roles: staff.roles, bootstrapAdminEmail: this.config.bootstrapAdminEmail };
    await this.runner.run(accountStream(accountId), accountDecider, { kind: 'SuspendAccount', reason, by }, context, {
      accountId,
      occurredAt: now,
    });
  }
}

@CommandHandler(ReinstateAccountCommand)
export class ReinstateAccountHandler implements ICommandHandler<ReinstateAccountCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, staff, context }: ReinstateAccountCommand): Promise<void> {
    const now = this.clock.now();
    const by = { accountId: staff.accountId, roles: staff.roles, bootstrapAdminEmail: this.config.bootstrapAdminEmail };
    await this.runner.run(accountStream(accountId), accountDecider, { kind: 'ReinstateAccount', by }, context, {
      accountId,
      occurredAt: now,
    });
  }
}
