import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, requireRecentSignIn } from '@app/ddd';
import { mfaDecider } from '../domain/mfa.decider';
import { mfaStream } from '../domain/mfa.events';
import { RecoveryCodes } from '../factors/recovery-codes';
import { MfaStates } from '../mfa-states';
import { RegenerateRecoveryCodesCommand } from './regenerate-recovery-codes.command';
import { RecoveryCodesDto } from './regenerate-recovery-codes.dto';

@CommandHandler(RegenerateRecoveryCodesCommand)
export class RegenerateRecoveryCodesHandler implements ICommandHandler<RegenerateRecoveryCodesCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: MfaStates,
    private readonly recoveryCodes: RecoveryCodes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ account, context }: RegenerateRecoveryCodesCommand): Promise<RecoveryCodesDto> {
    const now = this.clock.now();
    const reauth = this.states.reauthOf(account);
    requireRecentSignIn(reauth, now);
    const issued = this.recoveryCodes.issue(account.accountId);
    await this.runner.run(
      mfaStream(account.accountId),
      mfaDecider,
      { kind: 'RegenerateRecoveryCodes', recoveryCodes: issued, reauth, now },
      context,
      {
        accountId: account.accountId,
        occurredAt: now,
      },
    );
    return { recoveryCodes: [...issued.codes] };
  }
}
