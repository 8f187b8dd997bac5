import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { AccountStates, normaliseEmail } from '@app/identity';
import { PasswordHasher, SecretBox } from '@app/security';
import { InvalidCredentialsError, SignInSuspendedError } from '../domain/session.errors';
import { assertSignInOpen, decideSignInGuard, LockoutPolicy, signInGuardDecider, signInGuardStream } from '../domain/sign-in-guard.decider';
import { SecondFactorPort } from '../second-factor/second-factor.port';
import { SessionStarter } from '../sessions/session-starter';
import { SignInCommand, SignInResult } from './sign-in.command';

/**
 * Sign-in with email and password. An unknown email, a wrong password and an account without a
 * password take the same path: one bcrypt comparison at the configured cost (against a dummy hash when
 * there is nothing to compare with), one failure appended to the email's guard stream (with the
 * account's id, or null), one answer; nothing else follows from it, in the request or in the log.
 */
@CommandHandler(SignInCommand)
export class SignInHandler implements ICommandHandler<SignInCommand> {
  private readonly lockout: LockoutPolicy;

  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    private readonly sessions: SessionStarter,
    private readonly secondFactor: SecondFactorPort,
    private readonly hasher: PasswordHasher,
    private readonly secretBox: SecretBox,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.lockout = {
      maxFailures: config.loginMaxFailures,
      failureWindowSeconds: config.loginFailureWindowSeconds,
      lockoutSeconds: config.lockoutSeconds,
    };
  }

  async execute({ email, password, context }: SignInCommand): Promise<SignInResult> {
    const now = this.clock.now();
    const normalisedEmail = normaliseEmail(email);
    const guardStream = signInGuardStream(normalisedEmail);
    const guard = await this.runner.load(guardStream, signInGuardDecider);
    assertSignInOpen(guard.state, now);

    const account = await this.accounts.findByEmail(normalisedEmail);
    const passwordMatches = account?.passwordHashSealed
      ? await this.hasher.verify(password, this.secretBox.open(account.passwordHashSealed))
      : await this.hasher.verifyAgainstDummy(password);

    if (!account || !passwordMatches) {
      await this.runner.run(
        guardStream,
        signInGuardDecider,
        { kind: 'RecordSignInFailure', accountId: account?.accountId ?? null, now, policy: this.lockout },
        context,
        // The account's id in the metadata too: the audit trail lists the failure in the account's activity.
        { accountId: account?.accountId, occurredAt: now },
      );
      throw new InvalidCredentialsError();
    }

    // Suspension wins over the second factor; said only after a correct password.
    if (account.status === 'suspended') throw new SignInSuspendedError(this.config.supportEmail);
    const challenge = await this.secondFactor.afterFirstFactor(account.accountId, 'password', context);
    if (challenge) return challenge;
    // Only a complete sign-in clears the email's failures: with a second step pending, the failures of
    // that step keep counting, or a correct password would reset the lockout between guesses of a code.
    // Decided first on the guard loaded above, which is clear on most sign-ins: a second load of it cost
    // each sign-in a stream read. A failure recorded since that load only keeps counting, as one after
    // the sign-in would; a guard with anything to clear is cleared through a fresh load.
    const clear = { kind: 'ClearSignInFailures', reason: 'signed_in', now } as const;
    if (decideSignInGuard(clear, guard.state).length > 0) {
      await this.runner.run(guardStream, signInGuardDecider, clear, context, { occurredAt: now });
    }
    return this.sessions.start(account.accountId, 'password', context, { account });
  }
}
