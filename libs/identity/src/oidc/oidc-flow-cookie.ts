import { Inject, Injectable } from '@nestjs/common';
import { deriveKey } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { constantTimeEquals, SecretBox } from '@app/security';
import { InvalidOidcStateError } from './oidc.errors';
import { callbackPath, OidcChecks, OidcPurpose } from './oidc-providers';

export const OIDC_FLOW_COOKIE = 'oidc_flow';
/** How long a browser may take at the provider (sign-in, consent) before the round trip must restart. */
export const OIDC_FLOW_SECONDS = 600;

export interface OidcFlow extends OidcChecks {
  readonly purpose: OidcPurpose;
  readonly provider: string;
  readonly expiresAt: string;
  /** Linking from settings: the signed-in account and session that started it. */
  readonly accountId?: string;
  readonly sessionId?: string;
  /** Sign-in from the hub: the page to send the browser back to with a one-time code instead of tokens. */
  readonly returnTo?: string;
}

/**
 * The state of one round trip (`state`, `nonce`, PKCE verifier, and for linking who asked) lives in the
 * browser that started it: an AES-256-GCM sealed cookie (key derived from DATA_ENCRYPTION_KEY for this
 * purpose only), HttpOnly, SameSite=Lax (sent on the provider's top-level redirect back), Secure when
 * PUBLIC_URL is https, scoped to the one callback path, for 10 minutes. Nothing is stored server-side,
 * any instance can finish a round trip, and a callback that did not start in this browser (login CSRF)
 * has no cookie whose `state` matches. The verifier is never readable by scripts, logs or other sites.
 */
@Injectable()
export class OidcFlowCookies {
  private readonly box: SecretBox;
  private readonly secure: boolean;

  constructor(
    @Inject(APP_CONFIG) config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.box = new SecretBox(deriveKey(config.dataEncryptionKey, 'oidc-flow-cookie/v1').toString('base64'));
    this.secure = config.publicUrl.startsWith('https:');
  }

  /** The `Set-Cookie` value that starts a round trip. */
  issue(flow: Omit<OidcFlow, 'expiresAt'>): string {
    const expiresAt = new Date(this.clock.now().getTime() + OIDC_FLOW_SECONDS * 1000).toISOString();
    const sealed = this.box.seal(JSON.stringify({ ...flow, expiresAt }));
    return this.cookie(flow.purpose, flow.provider, sealed, OIDC_FLOW_SECONDS);
  }

  /** The `Set-Cookie` value that ends it: a flow cookie is used once, whatever the outcome. */
  clear(purpose: OidcPurpose, provider: string): string {
    return this.cookie(purpose, provider, '', 0);
  }

  /**
   * The flow this callback belongs to. 400 `invalid_oidc_state` when the browser brings none (or one
   * that is expired, tampered with, or made for another provider or purpose), or when the callback's
   * `state` differs from it.
   */
  open(cookieHeader: string | undefined, purpose: OidcPurpose, provider: string, callbackState: string | null): OidcFlow {
    const now = this.clock.now().getTime();
    for (const value of cookieValues(cookieHeader, OIDC_FLOW_COOKIE)) {
      const flow = this.unseal(value);
      if (!flow || flow.purpose !== purpose || flow.provider !== provider || Date.parse(flow.expiresAt) <= now) continue;
      if (callbackState === null || !constantTimeEquals(callbackState, flow.state)) continue;
      return flow;
    }
    throw new InvalidOidcStateError();
  }

  private unseal(value: string): OidcFlow | null {
    try {
      const flow = JSON.parse(this.box.open(value)) as OidcFlow;
      return typeof flow.state === 'string' && typeof flow.nonce === 'string' && typeof flow.codeVerifier === 'string' ? flow : null;
    } catch {
      return null;
    }
  }

  private cookie(purpose: OidcPurpose, provider: string, value: string, maxAgeSeconds: number): string {
    const attributes = [`Path=${callbackPath(purpose, provider)}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
    if (this.secure) attributes.push('Secure');
    return [`${OIDC_FLOW_COOKIE}=${value}`, ...attributes].join('; ');
  }
}

function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  return header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${name}=`))
    .map((pair) => pair.slice(name.length + 1));
}
