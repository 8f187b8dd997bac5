import { Module } from '@nestjs/common';
import { registerErrorStatuses } from '@app/http';
import { identityErrorStatuses } from './domain/identity.errors';
import { LinkIdentityController } from './link-identity/link-identity.controller';
import { BeginIdentityLinkHandler, CompleteIdentityLinkHandler } from './link-identity/link-identity.handlers';
import { ListIdentitiesController } from './list-identities/list-identities.controller';
import { OidcFlowCookies } from './oidc/oidc-flow-cookie';
import { OidcProviders } from './oidc/oidc-providers';
import { OidcRoundTrips } from './oidc/oidc-round-trips';
import { oidcErrorStatuses } from './oidc/oidc.errors';
import { ProviderIdentities } from './oidc/provider-identities';
import { CompleteOidcSignInHandler } from './oidc-sign-in/complete-oidc-sign-in.handler';
import { OidcSignInController } from './oidc-sign-in/oidc-sign-in.controller';
import { UnlinkIdentityController } from './unlink-identity/unlink-identity.controller';
import { UnlinkIdentityHandler } from './unlink-identity/unlink-identity.handler';

registerErrorStatuses(identityErrorStatuses);
registerErrorStatuses(oidcErrorStatuses);

/**
 * Social sign-in with OpenID Connect (OIDC_PROVIDERS) and the account's linked identities. Builds on
 * `AccountsModule` (global): account states, sessions and the MFA challenge are its providers.
 */
@Module({
  controllers: [OidcSignInController, ListIdentitiesController, LinkIdentityController, UnlinkIdentityController],
  providers: [
    OidcProviders,
    OidcFlowCookies,
    OidcRoundTrips,
    ProviderIdentities,
    CompleteOidcSignInHandler,
    BeginIdentityLinkHandler,
    CompleteIdentityLinkHandler,
    UnlinkIdentityHandler,
  ],
})
export class SocialSignInModule {}
