import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, requireRecentSignIn } from '@app/ddd';
import { UnauthorizedError } from '@app/http';
import { SecretBox } from '@app/security';
import { mfaDecider } from '../domain/mfa.decider';
import { mfaStream } from '../domain/mfa.events';
import { TotpCodes } from '../factors/totp-codes';
import { MfaAccountDirectory } from '../mfa-accounts';
import { MfaStates } from '../mfa-states';
import { EnrolTotpCommand } from './enrol-totp.command';
import { TotpEnrolmentDto } from './enrol-totp.dto';

@CommandHandler(EnrolTotpCommand)
export class EnrolTotpHandler implements ICommandHandler<EnrolTotpCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: MfaStates,
    private readonly totp: TotpCodes,
    private readonly secretBox: SecretBox,
    private readonly accounts: MfaAccountDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ account, nickname, context }: EnrolTotpCommand): Promise<TotpEnrolmentDto> {
    const now = this.clock.now();
    const reauth = this.states.reauthOf(account);
    requireRecentSignIn(reauth, now);
    const email = await this.accounts.emailOf(account.accountId);
    if (email === null) throw new UnauthorizedError();
    const factorId = randomUUID();
    const secret = this.totp.newSecret();
    await this.runner.run(
      mfaStream(account.accountId),
      mfaDecider,
      { kind: 'StartTotpEnrolment', factorId, sealedSecret: this.secretBox.seal(secret), nickname, reauth, now },
      context,
      { accountId: account.accountId, occurredAt: now },
    );
    const otpauthUrl = this.totp.otpauthUrl(email, secret);
    return { factorId, secret, otpauthUrl, qrCodeSvg: await this.totp.qrCodeSvg(otpauthUrl) };
  }
}
