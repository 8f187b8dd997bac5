import { ResolvedConfig } from '@app/config';
import { ManualClock } from '@app/ddd';
import pino from 'pino';
import { OidcFlowCookies } from '../src/oidc/oidc-flow-cookie';
import { isLoopbackHost, OidcProvider, OidcProviders } from '../src/oidc/oidc-providers';

const config = (overrides: Partial<ResolvedConfig> = {}) =>
  ({
    publicUrl: 'https://hub.example',
    dataEncryptionKey: 'd'.repeat(48),
    oidcProviders: [],
    ...overrides,
  }) as ResolvedConfig;
const provider = (name: string, issuer: string) => ({ name, issuer, clientId: 'client', clientSecret: 'secret', timeoutSeconds: 10 });
const silent = pino({ level: 'silent' });

describe('OIDC providers from OIDC_PROVIDERS', () => {
  it('accepts https issuers, and plain http only on loopback', () => {
    const providers = new OidcProviders(
      config({ oidcProviders: [provider('google', 'https://accounts.google.com'), provider('dev', 'http://127.0.0.1:9999')] }),
      silent,
    );
    expect(providers.get('google').redirectUri('sign_in')).toBe('https://hub.example/v1/auth/oidc/google/callback');
    expect(providers.get('dev').redirectUri('link')).toBe('https://hub.example/v1/me/identities/dev/callback');
  });

  it('refuses to start with a plain-http issuer that is not loopback', () => {
    expect(() => new OidcProviders(config({ oidcProviders: [provider('corp', 'http://id.corp.example')] }), silent)).toThrow(
      'OIDC_PROVIDERS provider "corp": issuer must use https (plain http only on loopback)',
    );
  });

  it('answers not_found for a name that is not configured', () => {
    expect(() => new OidcProviders(config(), silent).get('google')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('treats 127.0.0.0/8, localhost and [::1] as loopback, and nothing else', () => {
    expect(['127.0.0.1', '127.10.0.3', 'localhost', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', 'localhost.example', '127.0.0.1.nip.io', 'example.com'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});

/**
 * The cookie with one character of its sealed value changed, ten from the end: a whole base64url
 * character of the ciphertext or tag. The last two set to "AA", as before, left a cookie that already
 * ended so, or whose last character's unused bits were all that changed, as it was, about one run in a
 * few hundred.
 */
const tampered = (cookie: string): string => {
  const at = cookie.length - 10;
  return `${cookie.slice(0, at)}${cookie[at] === 'A' ? 'B' : 'A'}${cookie.slice(at + 1)}`;
};

describe('the sealed flow cookie', () => {
  const clock = new ManualClock('2026-01-05T09:00:00.000Z');
  const cookies = new OidcFlowCookies(config(), clock);
  const checks = OidcProvider.newChecks();
  const issued = cookies.issue({ ...checks, purpose: 'sign_in', provider: 'google' });
  const header = issued.split(';')[0];

  it('is HttpOnly, SameSite=Lax, Secure on https, scoped to the callback, and shows none of the checks', () => {
    expect(issued).toMatch(/^oidc_flow=v1\.[^;]+; Path=\/v1\/auth\/oidc\/google\/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
    for (const value of Object.values(checks)) expect(issued).not.toContain(value);
  });

  it('opens for the callback of the same provider and purpose with the same state', () => {
    expect(cookies.open(`other=1; ${header}`, 'sign_in', 'google', checks.state)).toMatchObject(checks);
  });

  it('refuses another state, another provider, the link callback, a tampered or a foreign cookie', () => {
    const refusals = [
      () => cookies.open(header, 'sign_in', 'google', 'another-state'),
      () => cookies.open(header, 'sign_in', 'google', null),
      () => cookies.open(header, 'sign_in', 'acme', checks.state),
      () => cookies.open(header, 'link', 'google', checks.state),
      () => cookies.open(tampered(header), 'sign_in', 'google', checks.state),
      () => new OidcFlowCookies(config({ dataEncryptionKey: 'e'.repeat(48) }), clock).open(header, 'sign_in', 'google', checks.state),
      () => cookies.open(undefined, 'sign_in', 'google', checks.state),
    ];
    for (const refusal of refusals) expect(refusal).toThrow(expect.objectContaining({ code: 'invalid_oidc_state' }));
  });

  it('expires after 10 minutes', () => {
    const later = new ManualClock('2026-01-05T09:10:00.000Z');
    expect(() => new OidcFlowCookies(config(), later).open(header, 'sign_in', 'google', checks.state)).toThrow(
      expect.objectContaining({ code: 'invalid_oidc_state' }),
    );
  });
});
