import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { SignInLockReset } from '@app/identity';
import { signInGuardDecider, signInGuardStream } from '../domain/sign-in-guard.decider';

/** Identity's port: a completed password reset clears the email's sign-in guard (`reason: password_reset`). */
@Injectable()
export class GuardSignInLockReset extends SignInLockReset {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async clearAfterPasswordReset(normalisedEmail: string, context: RequestContext): Promise<void> {
    const now = this.clock.now();
    await this.runner.run(
      signInGuardStream(normalisedEmail),
      signInGuardDecider,
      { kind: 'ClearSignInFailures', reason: 'password_reset', now },
      context,
      {
        occurredAt: now,
      },
    );
  }
}
