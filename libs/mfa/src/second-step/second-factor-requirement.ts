import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { SecondFactorStatus } from '@app/identity';
import { MfaChallengeDto, SecondFactorRequirement, SignInMethod } from '@app/sessions';
import { mfaEnabled, secondStepMethods } from '../domain/mfa.decider';
import { MfaStates } from '../mfa-states';
import { MfaTokens } from './mfa-tokens';

/**
 * The sessions context's seam: after a correct password or a provider's round trip, an account with a
 * second factor gets `{mfaRequired, mfaToken, methods}` instead of a session; methods list only what the
 * account really has (recovery codes only while some are left). Read from the MFA stream, not a read model.
 */
@Injectable()
export class MfaSecondFactorRequirement extends SecondFactorRequirement {
  constructor(
    private readonly states: MfaStates,
    private readonly tokens: MfaTokens,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async afterFirstFactor(accountId: string, method: SignInMethod): Promise<MfaChallengeDto | null> {
    const state = await this.states.load(accountId);
    if (!mfaEnabled(state)) return null;
    return { mfaRequired: true, mfaToken: this.tokens.issue(accountId, method, this.clock.now()), methods: secondStepMethods(state) };
  }
}

/** `GET /v1/me`'s `mfaEnabled`, from the same stream. */
@Injectable()
export class MfaSecondFactorStatus extends SecondFactorStatus {
  constructor(private readonly states: MfaStates) {
    super();
  }

  async hasSecondFactor(accountId: string): Promise<boolean> {
    return mfaEnabled(await this.states.load(accountId));
  }
}
