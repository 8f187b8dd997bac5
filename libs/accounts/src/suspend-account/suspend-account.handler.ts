import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SessionEnder } from '../sessions/session-ender';
import { ReinstateAccountCommand, SuspendAccountCommand } from './suspend-account.command';

/** Suspension ends every session in the same append: the account's tokens stop working at once. */
@CommandHandler(SuspendAccountCommand)
export class SuspendAccountHandler implements ICommandHandler<SuspendAccountCommand> {
  constructor(private readonly ender: SessionEnder) {}

  async execute({ accountId, reason, context }: SuspendAccountCommand): Promise<void> {
    await this.ender.run(accountId, (now) => ({ kind: 'SuspendAccount', reason, now }), context);
  }
}

@CommandHandler(ReinstateAccountCommand)
export class ReinstateAccountHandler implements ICommandHandler<ReinstateAccountCommand> {
  constructor(private readonly ender: SessionEnder) {}

  async execute({ accountId, context }: ReinstateAccountCommand): Promise<void> {
    await this.ender.run(accountId, () => ({ kind: 'ReinstateAccount' }), context);
  }
}
