import { createHmac } from 'node:crypto';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { accountsClient, Tokens } from '../e2e/auth/accounts-client';
import { codeFor } from '../e2e/mfa/reference-totp';

// The test app's JWT_SECRET (test/support/test-app.ts): forging with it proves the checks beyond the signature.
const JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string | null): string {
  const unsigned = `${base64url(header)}.${base64url(claims)}`;
  const signature = secret === null ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe('attacks on tokens', () => {
  let app: TestApp;
  let client: ReturnType<typeof accountsClient>;
  let tokens: Tokens;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    app = await createTestApp();
    client = accountsClient(app);
    await client.register('victim@example.com');
    tokens = await client.signIn('victim@example.com');
    claims = claimsOf(tokens.accessToken);
  }, 180_000);

  afterAll(() => app?.close());

  const now = () => Math.floor(Date.now() / 1000);

  it('accepts the genuine token (the control)', async () => {
    expect((await client.me(tokens.accessToken)).statusCode).toBe(200);
  });

  it.each([
    ['alg none', () => jwt({ alg: 'none', typ: 'JWT' }, claims, null)],
    [
      'alg none with the genuine signature',
      () => `${base64url({ alg: 'none', typ: 'JWT' })}.${tokens.accessToken.split('.').slice(1).join('.')}`,
    ],
    ['the wrong key', () => jwt({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-that-is-long-enough-0123456789')],
    ['HS512 with the right key', () => jwt({ alg: 'HS512', typ: 'JWT' }, claims, JWT_SECRET)],
    ['expired', () => jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now() - 3600, exp: now() - 60 }, JWT_SECRET)],
    ['an unknown session', () => jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sid: '00000000-0000-4000-8000-000000000000' }, JWT_SECRET)],
    [
      'another account in the session',
      () => jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: '00000000-0000-4000-8000-000000000001' }, JWT_SECRET),
    ],
    [
      'tampered claims under the genuine signature',
      () => {
        const [header, , signature] = tokens.accessToken.split('.');
        return `${header}.${base64url({ ...claims, sub: '00000000-0000-4000-8000-000000000001' })}.${signature}`;
      },
    ],
    ['a truncated signature', () => tokens.accessToken.slice(0, -3)],
    ['the platform service token', () => TEST_SERVICE_TOKEN],
    ['the refresh token', () => tokens.refreshToken],
  ])('refuses an access token forged with %s (401, nothing written)', async (_name, forge) => {
    const before = await app.runtime.eventStore.headPosition();
    const response = await client.me(forge());
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(expect.objectContaining({ error: expect.any(String) }));
    expect(await app.runtime.eventStore.headPosition()).toBe(before);
  });

  it('ends the session when a rotated refresh token is reused', async () => {
    const mine = await client.signIn('victim@example.com');
    const first = await client.refresh(mine.refreshToken);
    expect(first.statusCode).toBe(200);
    const rotated = first.json<Tokens>();
    expect((await client.me(rotated.accessToken)).statusCode).toBe(200);

    expect((await client.refresh(mine.refreshToken)).statusCode).toBe(401);
    expect((await client.refresh(rotated.refreshToken)).statusCode).toBe(401);
    expect((await client.me(rotated.accessToken)).statusCode).toBe(401);
  });

  it('refuses the tokens of a session that ended by sign-out', async () => {
    const mine = await client.signIn('victim@example.com');
    expect((await app.inject({ method: 'POST', url: '/v1/auth/logout', token: mine.accessToken })).statusCode).toBe(204);
    expect((await client.me(mine.accessToken)).statusCode).toBe(401);
    expect((await client.refresh(mine.refreshToken)).statusCode).toBe(401);
  });
  it('refuses the mfaToken of a sign-in awaiting its second step, as an access or a refresh token (401, nothing written)', async () => {
    await client.register('second-step@example.com');
    const holder = await client.signIn('second-step@example.com');
    const enrolled = await app.inject({ method: 'POST', url: '/v1/me/mfa/totp', token: holder.accessToken, payload: {} });
    expect(enrolled.statusCode).toBe(201);
    const { factorId, secret } = enrolled.json<{ factorId: string; secret: string }>();
    const confirmed = await app.inject({
      method: 'POST',
      url: `/v1/me/mfa/totp/${factorId}/verify`,
      token: holder.accessToken,
      payload: { code: codeFor(secret, new Date()) },
    });
    expect(confirmed.statusCode).toBe(200);
    const challenge = (await client.login('second-step@example.com')).json<{ mfaRequired?: boolean; mfaToken?: string }>();
    expect(challenge.mfaRequired).toBe(true);
    const mfaToken = challenge.mfaToken!;

    const before = await app.runtime.eventStore.headPosition();
    expect((await client.me(mfaToken)).statusCode).toBe(401);
    const keyCreation = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      token: mfaToken,
      payload: { name: 'x', scopes: ['chat'] },
    });
    expect(keyCreation.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1/me/mfa', token: mfaToken })).statusCode).toBe(401);
    expect((await client.refresh(mfaToken)).statusCode).toBe(401);
    expect(await app.runtime.eventStore.headPosition()).toBe(before);
  });
});
