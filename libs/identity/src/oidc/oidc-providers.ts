import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { Logger } from 'pino';
import { ConfigError, OidcProviderConfig, ResolvedConfig } from '@app/config';
import { APP_CONFIG, LOGGER } from '@app/core';
import { NotFoundError } from '@app/http';
import { ProviderIdentity } from '../domain/account-identity.decider';
import { normaliseEmail } from '../domain/email';
import { InvalidOidcResponseError, OidcProviderUnavailableError } from './oidc.errors';

/** Sign-in (`/v1/auth/oidc/:provider/callback`) or linking from settings (`/v1/me/identities/:provider/callback`). */
export type OidcPurpose = 'sign_in' | 'link';

/** What the browser's round trip must bring back unchanged; kept in the sealed flow cookie. */
export interface OidcChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

const SCOPE = 'openid email';
const MAX_EMAIL_LENGTH = 254;

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export function callbackPath(purpose: OidcPurpose, provider: string): string {
  return purpose === 'sign_in' ? `/v1/auth/oidc/${provider}/callback` : `/v1/me/identities/${provider}/callback`;
}

/**
 * One configured OpenID Connect provider (OIDC_PROVIDERS entry), used through `openid-client`:
 * discovery from the issuer URL on first use (not at start-up, so a provider that is down does not stop
 * the service; a failed discovery is retried on the next request), authorization code flow with PKCE
 * (S256), `state` and `nonce`, client secret at the token endpoint.
 */
export class OidcProvider {
  private discovered?: Promise<oidc.Configuration>;

  constructor(
    private readonly settings: OidcProviderConfig,
    private readonly publicUrl: string,
    private readonly logger: Logger,
  ) {}

  get name(): string {
    return this.settings.name;
  }

  redirectUri(purpose: OidcPurpose): string {
    return `${this.publicUrl}${callbackPath(purpose, this.name)}`;
  }

  /** Fresh random `state`, `nonce` and PKCE verifier for one round trip. */
  static newChecks(): OidcChecks {
    return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
  }

  async authorizationUrl(purpose: OidcPurpose, checks: OidcChecks): Promise<string> {
    const configuration = await this.configuration();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(purpose),
      scope: SCOPE,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    }).href;
  }

  /**
   * Completes the round trip from the callback's query string: checks `state` and the `iss` parameter,
   * exchanges the code with the PKCE verifier, validates the ID token (signature, issuer, audience,
   * expiry, `nonce`). The email comes from the ID token, or from the userinfo endpoint when the ID
   * token has none (providers that follow OIDC Core 5.4 put scope claims there only), together with
   * its own `email_verified`.
   */
  async identify(purpose: OidcPurpose, callbackQuery: string, checks: OidcChecks): Promise<ProviderIdentity> {
    const configuration = await this.configuration();
    const redirectUri = this.redirectUri(purpose);
    try {
      const tokens = await oidc.authorizationCodeGrant(
        configuration,
        new URL(`${redirectUri}?${callbackQuery}`),
        { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true },
        { redirect_uri: redirectUri },
      );
      const claims = tokens.claims();
      if (!claims) throw new InvalidOidcResponseError(`${this.name} sent no ID token`);
      const emailSource: Record<string, unknown> =
        typeof claims.email !== 'string' && configuration.serverMetadata().userinfo_endpoint
          ? await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub)
          : claims;
      const email = emailOf(emailSource.email);
      return {
        provider: this.name,
        issuer: claims.iss,
        subject: claims.sub,
        email,
        emailVerified: email !== null && emailSource.email_verified === true,
      };
    } catch (error) {
      throw this.refusal(error);
    }
  }

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined;
      throw error;
    });
    return this.discovered;
  }

  private async discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.settings.issuer);
    try {
      return await oidc.discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, {
        timeout: this.settings.timeoutSeconds,
        // openid-client refuses plain http; a loopback issuer (a provider on this machine: tests,
        // development) is the one place it is allowed. Others were checked at start-up to use https.
        execute: isLoopbackHost(issuer.hostname) ? [oidc.allowInsecureRequests] : [],
      });
    } catch (error) {
      this.logger.warn({ provider: this.name, reason: reasonOf(error) }, 'oidc discovery failed');
      throw new OidcProviderUnavailableError(this.name);
    }
  }

  /** What a failed round trip answers. Only codes and check names are logged: never a token or code. */
  private refusal(error: unknown): Error {
    if (error instanceof InvalidOidcResponseError) return error;
    const reason = reasonOf(error);
    this.logger.warn({ provider: this.name, reason }, 'oidc sign-in refused');
    if (error instanceof oidc.AuthorizationResponseError) {
      return new InvalidOidcResponseError(`${this.name} did not complete the sign-in (${safeCode(error.error)})`);
    }
    if (error instanceof oidc.ResponseBodyError) {
      return new InvalidOidcResponseError(`${this.name} refused the authorization code (${safeCode(error.error)})`);
    }
    if (error instanceof oidc.ClientError) return new InvalidOidcResponseError(`The answer from ${this.name} failed validation`);
    if (error instanceof TypeError && /^ERR_INVALID_ARG/.test(String((error as { code?: unknown }).code))) return error;
    return new OidcProviderUnavailableError(this.name);
  }
}

function emailOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = normaliseEmail(value);
  return email.length > 0 && email.length <= MAX_EMAIL_LENGTH && email.includes('@') ? email : null;
}

function safeCode(code: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : 'error';
}

function reasonOf(error: unknown): Record<string, unknown> {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return { kind: error.name, error: safeCode(error.error) };
  }
  if (error instanceof Error) {
    // The cause's message names the failed check (`unexpected JWT "nonce" claim value`); its other fields
    // hold the claims and expected values, which are not logged.
    const detail = error.cause instanceof Error ? error.cause.message : undefined;
    return { kind: error.name, code: (error as { code?: unknown }).code, message: error.message, detail };
  }
  return { kind: typeof error };
}

/** The configured providers by name; issuers other than loopback must use https (checked at start-up). */
@Injectable()
export class OidcProviders {
  private readonly byName = new Map<string, OidcProvider>();

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig, @Inject(LOGGER) logger: Logger) {
    for (const settings of config.oidcProviders) {
      let issuer: URL;
      try {
        issuer = new URL(settings.issuer);
      } catch {
        throw new ConfigError('OIDC_PROVIDERS', `provider "${settings.name}": issuer must be a URL`);
      }
      if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname))) {
        throw new ConfigError('OIDC_PROVIDERS', `provider "${settings.name}": issuer must use https (plain http only on loopback)`);
      }
      if (this.byName.has(settings.name)) throw new ConfigError('OIDC_PROVIDERS', `provider "${settings.name}" is listed twice`);
      this.byName.set(settings.name, new OidcProvider(settings, config.publicUrl, logger));
    }
  }

  /** The provider of that name; 404 `not_found` for a name that is not configured. */
  get(name: string): OidcProvider {
    const provider = this.byName.get(name);
    if (!provider) throw new NotFoundError('sign-in provider');
    return provider;
  }
}
