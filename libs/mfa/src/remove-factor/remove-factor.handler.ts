import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, requireRecentSignIn } from '@app/ddd';
import { mfaDecider } from '../domain/mfa.decider';
import { FactorNotFoundError } from '../domain/mfa.errors';
import { mfaStream } from '../domain/mfa.events';
import { isFactorId } from '../factors/factor-ids';
import { MfaStates } from '../mfa-states';
import { RemoveFactorCommand } from './remove-factor.command';

/** Removing the last factor turns MFA off and voids the recovery codes (the decider writes both). */
@CommandHandler(RemoveFactorCommand)
export class RemoveFactorHandler implements ICommandHandler<RemoveFactorCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: MfaStates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ account, factorId, context }: RemoveFactorCommand): Promise<void> {
    const now = this.clock.now();
    const reauth = this.states.reauthOf(account);
    requireRecentSignIn(reauth, now);
    if (!isFactorId(factorId)) throw new FactorNotFoundError();
    await this.runner.run(mfaStream(account.accountId), mfaDecider, { kind: 'RemoveFactor', factorId, reauth, now }, context, {
      accountId: account.accountId,
      occurredAt: now,
    });
  }
}
