import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { AccountStates, OidcFlowCookies, OidcProviders, planSocialSignIn, ProviderIdentities, ProviderIdentity } from '@app/identity';
import { SignInSuspendedError } from '../domain/session.errors';
import { oidcSignInMethod } from '../domain/session.events';
import { assertSignInOpen, signInGuardDecider, signInGuardStream } from '../domain/sign-in-guard.decider';
import { SecondFactorPort } from '../second-factor/second-factor.port';
import { SessionStarter } from '../sessions/session-starter';
import { SignInResult } from '../sign-in/sign-in.command';
import { CompleteOidcSignInCommand } from './complete-oidc-sign-in.command';

/**
 * Social sign-in, after the provider's round trip. In order, each refusal writing nothing:
 * 404 unknown provider; 400 `invalid_oidc_state` (no flow cookie, or another `state`);
 * 401 `invalid_oidc_response` (provider error, code exchange, ID token, nonce); 409
 * `account_exists_unlinked` (the email's account cannot be linked silently); 423 `account_locked` (the
 * account email's sign-in lock, as for passwords); 403 `account_suspended`. Then the account is created
 * or the identity linked if needed, the email's failure counter is cleared (as a correct password does),
 * and the answer is the password sign-in's: tokens, or the second step's challenge (`SecondFactorRequirement`).
 */
@CommandHandler(CompleteOidcSignInCommand)
export class CompleteOidcSignInHandler implements ICommandHandler<CompleteOidcSignInCommand> {
  constructor(
    private readonly providers: OidcProviders,
    private readonly flows: OidcFlowCookies,
    private readonly identities: ProviderIdentities,
    private readonly accounts: AccountStates,
    private readonly runner: CommandRunner,
    private readonly sessions: SessionStarter,
    private readonly secondFactor: SecondFactorPort,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ provider: name, callbackQuery, cookieHeader, context }: CompleteOidcSignInCommand): Promise<SignInResult> {
    const provider = this.providers.get(name);
    const flow = this.flows.open(cookieHeader, 'sign_in', provider.name, new URLSearchParams(callbackQuery).get('state'));
    const identity = await provider.identify('sign_in', callbackQuery, flow);
    return this.signIn(identity, context);
  }

  private async signIn(identity: ProviderIdentity, context: RequestContext): Promise<SignInResult> {
    const now = this.clock.now();
    const owner = await this.identities.owner(identity);
    const accountWithEmail = !owner && identity.email !== null ? await this.accounts.findByEmail(identity.email) : null;
    const plan = planSocialSignIn(identity, owner, accountWithEmail);

    const email = plan.kind === 'create' ? plan.email : plan.account.email;
    const guardStream = signInGuardStream(email);
    assertSignInOpen((await this.runner.load(guardStream, signInGuardDecider)).state, now);
    if (plan.kind !== 'create' && plan.account.status === 'suspended') throw new SignInSuspendedError(this.config.supportEmail);

    let accountId: string;
    switch (plan.kind) {
      case 'create':
        accountId = await this.identities.createAccount(identity, plan.email, context, now);
        break;
      case 'link':
        accountId = plan.account.accountId;
        await this.identities.link(
          accountId,
          identity,
          'verified_email_match',
          { ...context, actor: { kind: 'account', id: accountId } },
          now,
        );
        break;
      case 'sign_in':
        accountId = plan.account.accountId;
        break;
    }
    const challenge = await this.secondFactor.afterFirstFactor(accountId, oidcSignInMethod(identity.provider), context);
    if (challenge) return challenge;
    // Only a complete sign-in clears the email's failures: with a second step pending, the failures of
    // that step keep counting, or a correct password would reset the lockout between guesses of a code.
    await this.runner.run(guardStream, signInGuardDecider, { kind: 'ClearSignInFailures', reason: 'signed_in', now }, context, {
      occurredAt: now,
    });
    return this.sessions.start(accountId, oidcSignInMethod(identity.provider), context);
  }
}
