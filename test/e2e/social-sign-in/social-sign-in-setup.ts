import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { LoopbackOidcProvider, startLoopbackOidcProvider } from './loopback-oidc-provider';

export const PUBLIC_URL = 'http://localhost:3000';

export interface SocialSignInSetup {
  readonly app: TestApp;
  /** `loopback`: scope claims from the userinfo endpoint only (oidc-provider's default). */
  readonly provider: LoopbackOidcProvider;
  /** `inline`: scope claims in the ID token too. */
  readonly inline: LoopbackOidcProvider;
  readonly clock: ManualClock;
  readonly logLines: string[];
  close(): Promise<void>;
}

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Two real providers on loopback and the app configured with them (plus `unreachable`, an issuer on a
 * closed port), PUBLIC_URL http://localhost:3000, the bootstrap admin boss@example.com.
 */
export async function startSocialSignInSetup(env: Record<string, string> = {}): Promise<SocialSignInSetup> {
  const redirectUris = (name: string) => [`${PUBLIC_URL}/v1/auth/oidc/${name}/callback`, `${PUBLIC_URL}/v1/me/identities/${name}/callback`];
  const provider = await startLoopbackOidcProvider({ redirectUris: redirectUris('loopback') });
  const inline = await startLoopbackOidcProvider({ redirectUris: redirectUris('inline'), conformIdTokenClaims: false });
  const entry = (name: string, p: LoopbackOidcProvider) => ({ name, issuer: p.issuer, clientId: p.clientId, clientSecret: p.clientSecret });
  const clock = new ManualClock(new Date());
  const logLines: string[] = [];
  const app = await createTestApp({
    clock,
    logLines,
    env: {
      ...env,
      PUBLIC_URL,
      BOOTSTRAP_ADMIN_EMAIL: 'boss@example.com',
      OIDC_PROVIDERS: JSON.stringify([
        entry('loopback', provider),
        entry('inline', inline),
        { name: 'unreachable', issuer: `http://127.0.0.1:${await closedLoopbackPort()}`, clientId: 'x', clientSecret: 'y' },
      ]),
    },
  });
  return {
    app,
    provider,
    inline,
    clock,
    logLines,
    async close() {
      await app.close();
      await provider.close();
      await inline.close();
    },
  };
}
