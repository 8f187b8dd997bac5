import { Inject, Injectable } from '@nestjs/common';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { SignInSuspendedError } from '../domain/session.errors';
import { SignInMethod } from '../domain/session.events';
import { assertSignInOpen, signInGuardDecider, signInGuardStream } from '../domain/sign-in-guard.decider';
import { SecondFactorPort } from '../second-factor/second-factor.port';
import { SessionStarter } from '../sessions/session-starter';
import { SignInResult } from '../sign-in/sign-in.command';

/**
 * What a social sign-in does once the provider proved the first factor, shared by the callback (tokens
 * in its answer) and the hub's code exchange (tokens a minute later, at `POST /v1/auth/oidc/exchange`).
 */
@Injectable()
export class OidcSignInCompletion {
  constructor(
    private readonly runner: CommandRunner,
    private readonly sessions: SessionStarter,
    private readonly secondFactor: SecondFactorPort,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** 423 `account_locked` while the email's sign-in lock holds (as for passwords), then 403 `account_suspended`. */
  async assertOpen(email: string, status: 'active' | 'suspended'): Promise<void> {
    assertSignInOpen((await this.runner.load(signInGuardStream(email), signInGuardDecider)).state, this.clock.now());
    if (status === 'suspended') throw new SignInSuspendedError(this.config.supportEmail);
  }

  /** The second step's challenge, or the email's failures cleared and a session started. */
  async complete(accountId: string, email: string, method: SignInMethod, context: RequestContext): Promise<SignInResult> {
    const challenge = await this.secondFactor.afterFirstFactor(accountId, method, context);
    if (challenge) return challenge;
    // Only a complete sign-in clears the email's failures: with a second step pending, the failures of
    // that step keep counting, or a correct password would reset the lockout between guesses of a code.
    const now = this.clock.now();
    await this.runner.run(
      signInGuardStream(email),
      signInGuardDecider,
      { kind: 'ClearSignInFailures', reason: 'signed_in', now },
      context,
      { occurredAt: now },
    );
    return this.sessions.start(accountId, method, context);
  }
}
