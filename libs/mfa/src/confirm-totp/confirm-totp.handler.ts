import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, requireRecentSignIn } from '@app/ddd';
import { SecretBox } from '@app/security';
import { mfaDecider, pendingTotpAt } from '../domain/mfa.decider';
import { FactorNotFoundError } from '../domain/mfa.errors';
import { MfaEventType, mfaStream } from '../domain/mfa.events';
import { isFactorId } from '../factors/factor-ids';
import { RecoveryCodes } from '../factors/recovery-codes';
import { TotpCodes } from '../factors/totp-codes';
import { MfaStates } from '../mfa-states';
import { ConfirmTotpCommand } from './confirm-totp.command';
import { ConfirmedFactorDto } from './confirm-totp.dto';

/** A pending TOTP factor becomes a factor with a current code; the first factor of an account brings recovery codes. */
@CommandHandler(ConfirmTotpCommand)
export class ConfirmTotpHandler implements ICommandHandler<ConfirmTotpCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: MfaStates,
    private readonly totp: TotpCodes,
    private readonly recoveryCodes: RecoveryCodes,
    private readonly secretBox: SecretBox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ account, factorId, code, context }: ConfirmTotpCommand): Promise<ConfirmedFactorDto> {
    const now = this.clock.now();
    const reauth = this.states.reauthOf(account);
    requireRecentSignIn(reauth, now);
    if (!isFactorId(factorId)) throw new FactorNotFoundError('pending TOTP factor');
    const pending = pendingTotpAt(await this.states.load(account.accountId), factorId, now);
    if (!pending) throw new FactorNotFoundError('pending TOTP factor');
    const matchingSteps = await this.totp.matchingSteps(this.secretBox.open(pending.sealedSecret), code, now);
    const issued = this.recoveryCodes.issue(account.accountId);
    const { events } = await this.runner.run(
      mfaStream(account.accountId),
      mfaDecider,
      { kind: 'ConfirmTotp', factorId, matchingSteps, recoveryCodes: issued, reauth, now },
      context,
      { accountId: account.accountId, occurredAt: now },
    );
    const firstFactor = events.some((event) => event.type === MfaEventType.RecoveryCodesGenerated);
    return firstFactor ? { factorId, recoveryCodes: [...issued.codes] } : { factorId };
  }
}
