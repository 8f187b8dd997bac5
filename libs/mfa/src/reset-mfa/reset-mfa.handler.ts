import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { mfaDecider } from '../domain/mfa.decider';
import { mfaStream } from '../domain/mfa.events';
import { ResetMfaCommand } from './reset-mfa.command';

/** One `mfa.reset` on the account's MFA stream; a retried job finds nothing left and writes nothing. */
@CommandHandler(ResetMfaCommand)
export class ResetMfaHandler implements ICommandHandler<ResetMfaCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, caseId, context }: ResetMfaCommand): Promise<void> {
    await this.runner.run(mfaStream(accountId), mfaDecider, { kind: 'ResetMfa', caseId }, context, {
      accountId,
      occurredAt: this.clock.now(),
    });
  }
}
