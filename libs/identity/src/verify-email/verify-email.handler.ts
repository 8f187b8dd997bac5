import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { accountDecider } from '../domain/account.decider';
import { InvalidTokenError } from '../domain/account.errors';
import { accountStream } from '../domain/account.events';
import { AccountStates } from '../account-states';
import { VerificationLinks } from './verification-links';
import { VerifyEmailCommand } from './verify-email.command';

@CommandHandler(VerifyEmailCommand)
export class VerifyEmailHandler implements ICommandHandler<VerifyEmailCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    private readonly links: VerificationLinks,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ token, context }: VerifyEmailCommand): Promise<void> {
    const accountId = this.links.accountIdOf(token);
    const account = accountId ? await this.accounts.load(accountId) : undefined;
    if (!accountId || !account?.exists || !this.links.matches(token, accountId, account.email)) throw new InvalidTokenError();
    await this.runner.run(
      accountStream(accountId),
      accountDecider,
      { kind: 'VerifyEmail', email: account.email },
      { ...context, actor: context.actor.id === 'anonymous' ? { kind: 'account', id: accountId } : context.actor },
      { accountId, occurredAt: this.clock.now() },
    );
  }
}
