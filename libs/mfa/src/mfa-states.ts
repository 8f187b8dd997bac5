import { Inject, Injectable } from '@nestjs/common';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { CommandRunner, Reauthentication } from '@app/ddd';
import { AuthenticatedAccount } from '@app/auth';
import { mfaDecider, MfaState } from './domain/mfa.decider';
import { mfaStream } from './domain/mfa.events';

/** The MFA state of an account, folded from its stream: the consistent source every MFA decision reads. */
@Injectable()
export class MfaStates {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
  ) {}

  async load(accountId: string): Promise<MfaState> {
    return (await this.runner.load(mfaStream(accountId), mfaDecider)).state;
  }

  reauthOf(account: AuthenticatedAccount): Reauthentication {
    return { authenticatedAt: account.authenticatedAt, windowSeconds: this.config.reauthWindowSeconds };
  }
}
