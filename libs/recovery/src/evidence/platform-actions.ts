import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { AccountStates, RequestPasswordResetCommand } from '@app/identity';
import { mfaDecider, mfaStream } from '@app/mfa';
import { RecoveryActions } from './recovery-evidence';

/** The resets an approved case sets off, as commands of the contexts that own them. */
@Injectable()
export class PlatformActions implements RecoveryActions {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly accounts: AccountStates,
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The ordinary reset flow: a request on the account's stream, and its reaction mails the link to the account's address. */
  async sendPasswordReset(accountId: string, context: RequestContext): Promise<void> {
    const account = await this.accounts.load(accountId);
    if (!account.exists) return;
    await this.commandBus.execute(new RequestPasswordResetCommand(account.email, context));
  }

  /**
   * Every confirmed factor removed through the MFA context's own `RemoveFactor` (which also voids the
   * recovery codes with the last factor). Its recent-sign-in rule stands for the holder's own changes;
   * here the approved case is that authority, so the check is given the instant of this run. A retried
   * job finds the factors already gone and writes nothing.
   */
  async resetMfa(accountId: string, context: RequestContext): Promise<void> {
    const stream = mfaStream(accountId);
    const { state } = await this.runner.load(stream, mfaDecider);
    for (const factor of state.factors) {
      const now = this.clock.now();
      await this.runner.run(
        stream,
        mfaDecider,
        { kind: 'RemoveFactor', factorId: factor.factorId, reauth: { authenticatedAt: now.toISOString(), windowSeconds: 60 }, now },
        context,
        { accountId, occurredAt: now },
      );
    }
  }
}
