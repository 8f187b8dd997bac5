import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient } from './accounts-client';

describe('rate limit per client address on sign-in, registration and password changes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: 'on' } });
  });
  afterAll(() => app.close());

  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('answers 429 rate_limited past RATE_LIMIT_PER_MINUTE from one address, while another address goes on', async () => {
    const client = accountsClient(app);
    const attempts = [];
    for (let i = 0; i < 4; i++)
      attempts.push((await client.login('someone@example.com', 'Wrong-Password-1', from('198.51.100.1'))).statusCode);
    expect(attempts).toEqual([401, 401, 401, 429]);
    const limited = await client.login('someone@example.com', 'Wrong-Password-1', from('198.51.100.1'));
    expect(limited.json()).toEqual({ error: 'rate_limited', message: expect.any(String) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await client.login('someone@example.com', 'Wrong-Password-1', from('198.51.100.2'))).statusCode).toBe(401);
  });

  it('limits registration the same way', async () => {
    const register = (i: number) =>
      app.inject({
        method: 'POST',
        url: '/v1/accounts',
        payload: { email: `r${i}@example.com`, password: 'Xq7#vLp2!mZk9w' },
        headers: from('198.51.100.3'),
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await register(i)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429]);
  });

  it('limits guesses of the current password on a password change the same way', async () => {
    const client = accountsClient(app);
    await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: 'changer@example.com', password: 'Xq7#vLp2!mZk9w' },
      headers: from('198.51.100.4'),
    });
    const signedIn = await client.login('changer@example.com', 'Xq7#vLp2!mZk9w', from('198.51.100.5'));
    const token = signedIn.json<{ accessToken: string }>().accessToken;
    const guess = (i: number) =>
      app.inject({
        method: 'POST',
        url: '/v1/me/password',
        token,
        payload: { currentPassword: `Guess-Number-${i}!x`, newPassword: 'Zr4&Lp9$Vb2!Xq7#' },
        headers: from('198.51.100.6'),
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await guess(i)).statusCode);
    expect(statuses).toEqual([400, 400, 400, 429]);
  });
});
