import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, DomainError, RequestContext } from '@app/ddd';
import { AccountStates, OidcFlowCookies, OidcProviders, planSocialSignIn, ProviderIdentities, ProviderIdentity } from '@app/identity';
import { oidcSignInMethod } from '../domain/session.events';
import { CompleteOidcSignInCommand, OidcCallbackAnswer } from './complete-oidc-sign-in.command';
import { OidcSignInCodes } from './oidc-sign-in-codes';
import { OidcSignInCompletion } from './oidc-sign-in-completion';

/**
 * Social sign-in, after the provider's round trip. In order, each refusal writing nothing:
 * 404 unknown provider; 400 `invalid_oidc_state` (no flow cookie, or another `state`);
 * 401 `invalid_oidc_response` (provider error, code exchange, ID token, nonce); 409
 * `account_exists_unlinked` (the email's account cannot be linked silently); 423 `account_locked` (the
 * account email's sign-in lock, as for passwords); 403 `account_suspended`. Then the account is created
 * or the identity linked if needed, the email's failure counter is cleared (as a correct password does),
 * and the answer is the password sign-in's: tokens, or the second step's challenge (`SecondFactorRequirement`).
 *
 * A round trip begun with `returnTo` (the hub) ends instead in a redirect to that page with a one-time
 * code in the fragment (the tokens come from `POST /v1/auth/oidc/exchange`), or, once the flow cookie
 * matched, with the refusal's `error` code there: a browser on a JSON error page could do nothing with it.
 */
@CommandHandler(CompleteOidcSignInCommand)
export class CompleteOidcSignInHandler implements ICommandHandler<CompleteOidcSignInCommand> {
  constructor(
    private readonly providers: OidcProviders,
    private readonly flows: OidcFlowCookies,
    private readonly identities: ProviderIdentities,
    private readonly accounts: AccountStates,
    private readonly completion: OidcSignInCompletion,
    private readonly codes: OidcSignInCodes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ provider: name, callbackQuery, cookieHeader, context }: CompleteOidcSignInCommand): Promise<OidcCallbackAnswer> {
    const provider = this.providers.get(name);
    const flow = this.flows.open(cookieHeader, 'sign_in', provider.name, new URLSearchParams(callbackQuery).get('state'));
    const { returnTo } = flow;
    if (returnTo === undefined) {
      const { accountId, email } = await this.firstFactor(await provider.identify('sign_in', callbackQuery, flow), context);
      return { kind: 'signed_in', result: await this.completion.complete(accountId, email, oidcSignInMethod(provider.name), context) };
    }
    try {
      const { accountId } = await this.firstFactor(await provider.identify('sign_in', callbackQuery, flow), context);
      const code = await this.codes.issue(accountId, oidcSignInMethod(provider.name), this.clock.now());
      return { kind: 'redirect', location: `${returnTo}#${new URLSearchParams({ code })}` };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const fragment = new URLSearchParams({ error: error.code });
      if (typeof error.extra.retryAfter === 'number') fragment.set('retryAfter', String(error.extra.retryAfter));
      return { kind: 'redirect', location: `${returnTo}#${fragment}` };
    }
  }

  /** The checks after the provider's answer, then the account created or the identity linked if needed. */
  private async firstFactor(identity: ProviderIdentity, context: RequestContext): Promise<{ accountId: string; email: string }> {
    const owner = await this.identities.owner(identity);
    const accountWithEmail = !owner && identity.email !== null ? await this.accounts.findByEmail(identity.email) : null;
    const plan = planSocialSignIn(identity, owner, accountWithEmail);

    const email = plan.kind === 'create' ? plan.email : plan.account.email;
    await this.completion.assertOpen(email, plan.kind === 'create' ? 'active' : plan.account.status);

    const now = this.clock.now();
    switch (plan.kind) {
      case 'create':
        return { accountId: await this.identities.createAccount(identity, plan.email, context, now), email };
      case 'link':
        await this.identities.link(
          plan.account.accountId,
          identity,
          'verified_email_match',
          { ...context, actor: { kind: 'account', id: plan.account.accountId } },
          now,
        );
        return { accountId: plan.account.accountId, email };
      case 'sign_in':
        return { accountId: plan.account.accountId, email };
    }
  }
}
