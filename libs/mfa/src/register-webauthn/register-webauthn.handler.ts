import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, requireRecentSignIn } from '@app/ddd';
import { mfaDecider } from '../domain/mfa.decider';
import { MfaEventType, mfaStream } from '../domain/mfa.events';
import { RecoveryCodes } from '../factors/recovery-codes';
import { parseRegistrationResponse, WebauthnCeremonies } from '../factors/webauthn-ceremonies';
import { MfaStates } from '../mfa-states';
import { RegisterWebauthnCommand } from './register-webauthn.command';
import { RegisteredKeyDto } from './register-webauthn.dto';

/**
 * Verifies the attestation (challenge of this session, origin, RP ID, signature) and records the key:
 * its credential id and public key, nothing else from the device.
 */
@CommandHandler(RegisterWebauthnCommand)
export class RegisterWebauthnHandler implements ICommandHandler<RegisterWebauthnCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: MfaStates,
    private readonly ceremonies: WebauthnCeremonies,
    private readonly recoveryCodes: RecoveryCodes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ account, response, nickname, context }: RegisterWebauthnCommand): Promise<RegisteredKeyDto> {
    const now = this.clock.now();
    const reauth = this.states.reauthOf(account);
    const parsed = parseRegistrationResponse(response);
    requireRecentSignIn(reauth, now);
    const verified = await this.ceremonies.verifyRegistration(parsed, account.accountId, account.sessionId, now);
    const factorId = randomUUID();
    const issued = this.recoveryCodes.issue(account.accountId);
    const { events } = await this.runner.run(
      mfaStream(account.accountId),
      mfaDecider,
      { kind: 'RegisterWebauthn', factorId, nickname, ...verified, recoveryCodes: issued, reauth, now },
      context,
      { accountId: account.accountId, occurredAt: now },
    );
    const firstFactor = events.some((event) => event.type === MfaEventType.RecoveryCodesGenerated);
    return firstFactor ? { factorId, recoveryCodes: [...issued.codes] } : { factorId };
  }
}
