import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient } from '../e2e/auth/accounts-client';

const ALLOWED = 'https://hub.example.com';

describe('security headers and CORS limited to CORS_ORIGINS', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await createTestApp({ env: { CORS_ORIGINS: ALLOWED } });
    const client = accountsClient(app);
    await client.register('headers@example.com');
    token = (await client.signIn('headers@example.com')).accessToken;
  }, 180_000);

  afterAll(() => app?.close());

  it.each([
    ['an anonymous refusal', () => app.inject({ method: 'GET', url: '/v1/me' })],
    ['an authenticated answer', () => app.inject({ method: 'GET', url: '/v1/me', token })],
    ['a validation error', () => app.inject({ method: 'POST', url: '/v1/accounts', payload: {} })],
    ['an unknown path', () => app.inject({ method: 'GET', url: '/v1/no-such-thing' })],
  ])('sends the security headers on %s', async (_name, request) => {
    const response = await request();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBeDefined();
    expect(response.headers['strict-transport-security']).toEqual(expect.stringContaining('max-age='));
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('keeps answers carrying tokens out of caches', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'headers@example.com', password: 'Xq7#vLp2!mZk9w' },
    });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['cache-control'])).toContain('no-store');
  });

  it('allows the configured origin and no other', async () => {
    const allowed = await app.inject({ method: 'GET', url: '/v1/me', token, headers: { origin: ALLOWED } });
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    for (const origin of ['https://evil.example.com', 'https://hub.example.com.evil.com', 'null']) {
      const refused = await app.inject({ method: 'GET', url: '/v1/me', token, headers: { origin } });
      expect({ origin, allow: refused.headers['access-control-allow-origin'] }).toEqual({ origin, allow: undefined });
      const preflight = await app.inject({
        method: 'OPTIONS' as 'GET',
        url: '/v1/me',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
