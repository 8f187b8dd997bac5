import { DomainError } from '@app/ddd';

export type OidcErrorCode = 'invalid_oidc_state' | 'invalid_oidc_response' | 'oidc_provider_unavailable';

/** The HTTP status of each code of the OpenID Connect round trip. */
export const oidcErrorStatuses: Record<OidcErrorCode, number> = {
  invalid_oidc_state: 400,
  invalid_oidc_response: 401,
  oidc_provider_unavailable: 502,
};

/**
 * The callback does not belong to a sign-in this browser started here: no flow cookie, an expired one,
 * one made for another provider or purpose, or a `state` that differs from it (login CSRF).
 */
export class InvalidOidcStateError extends DomainError<'invalid_oidc_state'> {
  constructor() {
    super('invalid_oidc_state', 'This sign-in attempt is unknown or has expired; start again.');
  }
}

/** The provider refused, or what it answered failed a check (code exchange, PKCE, ID token, nonce). */
export class InvalidOidcResponseError extends DomainError<'invalid_oidc_response'> {
  constructor(message: string) {
    super('invalid_oidc_response', message);
  }
}

export class OidcProviderUnavailableError extends DomainError<'oidc_provider_unavailable'> {
  constructor(provider: string) {
    super('oidc_provider_unavailable', `${provider} cannot be reached right now; try again later.`);
  }
}
