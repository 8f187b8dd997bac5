import { Injectable } from '@nestjs/common';
import { OidcFlow, OidcFlowCookies } from './oidc-flow-cookie';
import { OidcProvider, OidcProviders, OidcPurpose } from './oidc-providers';

/** A callback's raw query string (code, state, iss, or error): handed to openid-client as the provider sent it. */
export function queryStringOf(request: { readonly url: string }): string {
  const index = request.url.indexOf('?');
  return index < 0 ? '' : request.url.slice(index + 1);
}

export interface BegunRoundTrip {
  /** Where to send the browser. */
  readonly authorizationUrl: string;
  /** The `Set-Cookie` value holding the round trip's checks. */
  readonly flowCookie: string;
}

/** Starts a round trip to a provider: fresh checks, the authorization URL, the sealed flow cookie. */
@Injectable()
export class OidcRoundTrips {
  constructor(
    private readonly providers: OidcProviders,
    private readonly flows: OidcFlowCookies,
  ) {}

  /** `bound`: what the callback must know about who started the round trip, sealed in the flow cookie with its checks. */
  async begin(
    purpose: OidcPurpose,
    providerName: string,
    bound: Pick<OidcFlow, 'accountId' | 'sessionId' | 'returnTo'> = {},
  ): Promise<BegunRoundTrip> {
    const provider = this.providers.get(providerName);
    const checks = OidcProvider.newChecks();
    const authorizationUrl = await provider.authorizationUrl(purpose, checks);
    return { authorizationUrl, flowCookie: this.flows.issue({ ...checks, purpose, provider: provider.name, ...bound }) };
  }

  /** The `Set-Cookie` value that ends the round trip of a configured provider (404 for any other name). */
  end(purpose: OidcPurpose, providerName: string): string {
    return this.flows.clear(purpose, this.providers.get(providerName).name);
  }
}
