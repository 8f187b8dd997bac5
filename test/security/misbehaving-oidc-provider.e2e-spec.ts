import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { createTestApp, TestApp } from '@app/test-app';
import { Browser } from '../e2e/social-sign-in/browser';

/** The providers' timeout here (the default is 10 s), and how late the slow endpoints answer: past it. */
const TIMEOUT_SECONDS = 1;
const SLOW_MS = 5_000;

type Behaviour = 'bad-json' | 'wrong-issuer' | 'slow' | 'token-bad-json' | 'token-error-page' | 'token-slow';

/**
 * A fake issuer on loopback (node:http) that misbehaves on purpose, one way per provider name: its
 * discovery document is not JSON, names another issuer, or comes too late; or discovery is fine and the
 * token endpoint answers something that is not JSON, an HTML error page, or nothing in time. Every social
 * sign-in through it gets a 502 or a 4xx in the error format, never a 500, and writes nothing.
 */
class MisbehavingIssuer {
  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(): Promise<MisbehavingIssuer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = new MisbehavingIssuer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => issuer.answer(request, response));
    return issuer;
  }

  issuerOf(behaviour: Behaviour): string {
    return `${this.base}/${behaviour}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const [, behaviour, ...rest] = (request.url ?? '/').split('?')[0].split('/') as [string, Behaviour, ...string[]];
    const path = `/${rest.join('/')}`;
    const issuer = this.issuerOf(behaviour);
    const json = (body: unknown) => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/.well-known/openid-configuration') {
      if (behaviour === 'bad-json') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"issuer": ');
      if (behaviour === 'slow') return void setTimeout(() => json({ issuer }), SLOW_MS).unref();
      return void json({
        issuer: behaviour === 'wrong-issuer' ? 'https://someone-else.example.com' : issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (path === '/token') {
      if (behaviour === 'token-bad-json') return void response.writeHead(200, { 'content-type': 'application/json' }).end('not json');
      if (behaviour === 'token-error-page') return void response.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Oops</h1>');
      if (behaviour === 'token-slow') return void setTimeout(() => json({}), SLOW_MS).unref();
    }
    if (path === '/jwks') return void json({ keys: [] });
    response.writeHead(404).end();
  }
}

describe('social sign-in against a misbehaving provider', () => {
  const PUBLIC_URL = 'http://localhost:3000';
  const behaviours: Behaviour[] = ['bad-json', 'wrong-issuer', 'slow', 'token-bad-json', 'token-error-page', 'token-slow'];
  let issuer: MisbehavingIssuer;
  let app: TestApp;

  beforeAll(async () => {
    issuer = await MisbehavingIssuer.start();
    app = await createTestApp({
      env: {
        PUBLIC_URL,
        OIDC_PROVIDERS: JSON.stringify(
          behaviours.map((name) => ({
            name,
            issuer: issuer.issuerOf(name),
            clientId: 'client',
            clientSecret: 'client-secret-0123456789',
            timeoutSeconds: TIMEOUT_SECONDS,
          })),
        ),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  it.each(['bad-json', 'wrong-issuer', 'slow'] as const)(
    'answers 502 when discovery is %s, and writes nothing',
    async (behaviour) => {
      const before = await app.runtime.eventStore.headPosition();
      const response = await app.inject({ method: 'GET', url: `/v1/auth/oidc/${behaviour}/start` });
      expect({ status: response.statusCode, error: response.json().error }).toEqual({ status: 502, error: 'oidc_provider_unavailable' });
      expect(await app.runtime.eventStore.headPosition()).toBe(before);
    },
    60_000,
  );

  it.each(['token-bad-json', 'token-error-page', 'token-slow'] as const)(
    'answers a callback whose token endpoint gives %s with a 502 or a 4xx, never a 500, and writes nothing',
    async (behaviour) => {
      const browser = new Browser(app);
      const start = await browser.visitApp(`/v1/auth/oidc/${behaviour}/start`);
      expect(start.statusCode).toBe(302);
      const authorization = new URL(String(start.headers.location));
      expect(authorization.origin + authorization.pathname).toBe(`${issuer.issuerOf(behaviour)}/authorize`);
      const before = await app.runtime.eventStore.headPosition();
      const state = authorization.searchParams.get('state')!;
      const iss = encodeURIComponent(issuer.issuerOf(behaviour));
      const callback = await browser.visitApp(`/v1/auth/oidc/${behaviour}/callback?code=fake-code&state=${state}&iss=${iss}`);
      expect(callback.statusCode === 502 || (callback.statusCode >= 400 && callback.statusCode < 500)).toBe(true);
      expect(callback.json()).toEqual(expect.objectContaining({ error: expect.any(String) }));
      expect(await app.runtime.eventStore.headPosition()).toBe(before);
    },
    60_000,
  );
});
