import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SessionAuthority } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { UnauthorizedError } from '@app/http';
import { assertCanLinkFromSettings } from '../domain/account-identity.decider';
import { AccountResourceNotFoundError } from '../domain/account.errors';
import { IdentityInUseError } from '../domain/identity.errors';
import { LinkedIdentityDto, toLinkedIdentityDto } from '../list-identities/linked-identity.dto';
import { OidcFlowCookies } from '../oidc/oidc-flow-cookie';
import { OidcProviders } from '../oidc/oidc-providers';
import { BegunRoundTrip, OidcRoundTrips } from '../oidc/oidc-round-trips';
import { ProviderIdentities } from '../oidc/provider-identities';
import { AccountStates } from '../account-states';
import { BeginIdentityLinkCommand, CompleteIdentityLinkCommand } from './link-identity.commands';

@CommandHandler(BeginIdentityLinkCommand)
export class BeginIdentityLinkHandler implements ICommandHandler<BeginIdentityLinkCommand> {
  constructor(
    private readonly accounts: AccountStates,
    private readonly roundTrips: OidcRoundTrips,
  ) {}

  async execute({ account, provider }: BeginIdentityLinkCommand): Promise<BegunRoundTrip> {
    const state = await this.accounts.load(account.accountId);
    if (!state.exists) throw new AccountResourceNotFoundError('account');
    // Refused before the round trip rather than after it; the decider checks again when linking.
    assertCanLinkFromSettings(state);
    return this.roundTrips.begin('link', provider, { accountId: account.accountId, sessionId: account.sessionId });
  }
}

/**
 * The callback of a link started from settings. The browser carries no access token on a redirect: the
 * sealed flow cookie names the account and session that started it, and that session must still be
 * live (not ended, idle or suspended). Then the identity's reservation and `account.identity_linked`
 * (`via: linked_by_owner`); 409 `identity_in_use` when another account holds the identity.
 */
@CommandHandler(CompleteIdentityLinkCommand)
export class CompleteIdentityLinkHandler implements ICommandHandler<CompleteIdentityLinkCommand> {
  constructor(
    private readonly providers: OidcProviders,
    private readonly flows: OidcFlowCookies,
    private readonly identities: ProviderIdentities,
    private readonly accounts: AccountStates,
    private readonly sessions: SessionAuthority,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ provider: name, callbackQuery, cookieHeader, context }: CompleteIdentityLinkCommand): Promise<LinkedIdentityDto> {
    const provider = this.providers.get(name);
    const flow = this.flows.open(cookieHeader, 'link', provider.name, new URLSearchParams(callbackQuery).get('state'));
    const identity = await provider.identify('link', callbackQuery, flow);
    const owner =
      flow.accountId && flow.sessionId
        ? await this.sessions.authenticate({ accountId: flow.accountId, sessionId: flow.sessionId, issuedAt: 0 })
        : null;
    if (!owner) throw new UnauthorizedError('The session that started linking has ended; sign in and try again');

    const holder = await this.identities.owner(identity);
    if (holder && holder.accountId !== owner.accountId) throw new IdentityInUseError(identity.provider);
    await this.identities.link(
      owner.accountId,
      identity,
      'linked_by_owner',
      { ...context, actor: { kind: 'account', id: owner.accountId } },
      this.clock.now(),
    );

    const state = await this.accounts.load(owner.accountId);
    const linked = state.exists
      ? state.identities.find((candidate) => candidate.issuer === identity.issuer && candidate.subject === identity.subject)
      : undefined;
    if (!linked) throw new AccountResourceNotFoundError('account');
    return toLinkedIdentityDto(linked);
  }
}
