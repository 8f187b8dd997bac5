import { JwtService } from '@nestjs/jwt';
import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient, STRONG_PASSWORD } from './accounts-client';

describe('sessions', () => {
  const clock = new ManualClock('2026-01-05T09:00:00.000Z');
  let app: TestApp;
  let client: ReturnType<typeof accountsClient>;
  beforeAll(async () => {
    app = await createTestApp({ clock, env: { SESSION_IDLE_SECONDS: '3600', SESSION_MAX_SECONDS: '14400', ACCESS_TOKEN_SECONDS: '900' } });
    client = accountsClient(app);
  });
  afterAll(() => app.close());

  const status = async (token: string) => (await client.me(token)).statusCode;
  const sessions = (token: string) => app.inject({ method: 'GET', url: '/v1/sessions', token });

  it('refuses requests without a valid access token with 401 unauthorized', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-jwt' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
      const response = await app.inject({ method: 'GET', url: '/v1/me', headers });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
    }
  });

  it('refuses a token with valid claims for a live session but signed with another key, or unsigned', async () => {
    const accountId = await client.register('forged@example.com');
    const real = await client.signIn('forged@example.com');
    const { sid, iat, exp } = JSON.parse(Buffer.from(real.accessToken.split('.')[1], 'base64url').toString('utf8'));
    const claims = { sub: accountId, sid, iat, exp };
    const otherKey = new JwtService({ secret: 'another-secret-that-is-long-enough-0123456789' }).sign(claims);
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(await status(otherKey)).toBe(401);
    expect(await status(unsigned)).toBe(401);
    expect(await status(real.accessToken)).toBe(200);
  });

  it('ends a session unused past the idle limit while one used regularly lives on', async () => {
    await client.register('idle@example.com');
    const used = await client.signIn('idle@example.com');
    const unused = await client.signIn('idle@example.com');
    for (let minutes = 0; minutes < 70; minutes += 10) {
      clock.advanceSeconds(600);
      const refreshed = await client.refresh(used.refreshToken);
      expect(refreshed.statusCode).toBe(200);
      Object.assign(used, refreshed.json());
      expect(await status(used.accessToken)).toBe(200);
    }
    expect((await client.refresh(unused.refreshToken)).statusCode).toBe(401);
    expect(await status(used.accessToken)).toBe(200);
  });

  it('ends a session at its absolute maximum however much it is used', async () => {
    await client.register('max@example.com');
    const tokens = await client.signIn('max@example.com');
    for (let elapsed = 0; elapsed < 14_400 - 1800; elapsed += 1800) {
      clock.advanceSeconds(1800);
      const refreshed = await client.refresh(tokens.refreshToken);
      expect(refreshed.statusCode).toBe(200);
      Object.assign(tokens, refreshed.json());
    }
    clock.advanceSeconds(1800);
    expect((await client.refresh(tokens.refreshToken)).statusCode).toBe(401);
  });

  it('expires the access token after ACCESS_TOKEN_SECONDS; the refresh token gives a new one', async () => {
    await client.register('expiry@example.com');
    const tokens = await client.signIn('expiry@example.com');
    clock.advanceSeconds(901);
    expect(await status(tokens.accessToken)).toBe(401);
    const refreshed = await client.refresh(tokens.refreshToken);
    expect(refreshed.statusCode).toBe(200);
    expect(await status(refreshed.json().accessToken)).toBe(200);
  });

  it('rotates the refresh token; reusing a rotated one ends the session for everyone holding it', async () => {
    await client.register('rotation@example.com');
    const first = await client.signIn('rotation@example.com');
    const second = (await client.refresh(first.refreshToken)).json();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await status(second.accessToken)).toBe(200);

    const reused = await client.refresh(first.refreshToken);
    expect(reused.statusCode).toBe(401);
    expect(await status(second.accessToken)).toBe(401);
    expect((await client.refresh(second.refreshToken)).statusCode).toBe(401);
    expect((await client.refresh('an-unknown-refresh-token')).statusCode).toBe(401);
  });

  it('lists the live sessions with the current one marked, and ends one by id or all the others', async () => {
    await client.register('lister@example.com');
    const phone = await client.signIn('lister@example.com');
    clock.advanceSeconds(60);
    const laptopSignedInAt = clock.now().toISOString();
    const laptop = await client.login('lister@example.com', STRONG_PASSWORD, { 'user-agent': 'Laptop/1.0' });
    const tablet = await client.signIn('lister@example.com');
    await app.settle();

    const listed = (await sessions(laptop.json().accessToken)).json();
    expect(listed.nextCursor).toBeNull();
    expect(listed.items).toHaveLength(3);
    expect(listed.items.filter((item: { current: boolean }) => item.current)).toEqual([
      {
        id: expect.any(String),
        createdAt: laptopSignedInAt,
        lastActiveAt: laptopSignedInAt,
        ip: '127.0.0.1',
        userAgent: 'Laptop/1.0',
        current: true,
        method: 'password',
        secondFactor: null,
      },
    ]);

    const page = (await app.inject({ method: 'GET', url: '/v1/sessions?limit=2', token: phone.accessToken })).json();
    expect(page.items).toHaveLength(2);
    const rest = (
      await app.inject({ method: 'GET', url: `/v1/sessions?limit=2&cursor=${page.nextCursor}`, token: phone.accessToken })
    ).json();
    expect(rest).toEqual({ items: [expect.objectContaining({ current: true })], nextCursor: null });

    const phoneSessionId = rest.items[0].id;
    const ended = await app.inject({ method: 'DELETE', url: `/v1/sessions/${phoneSessionId}`, token: tablet.accessToken });
    expect(ended.statusCode).toBe(204);
    expect(await status(phone.accessToken)).toBe(401);

    expect((await app.inject({ method: 'DELETE', url: '/v1/sessions', token: tablet.accessToken })).statusCode).toBe(204);
    expect(await status(laptop.json().accessToken)).toBe(401);
    expect(await status(tablet.accessToken)).toBe(200);
    await app.settle();
    expect((await sessions(tablet.accessToken)).json().items).toEqual([expect.objectContaining({ current: true })]);
  });

  it('refuses a cursor it did not issue with 400 invalid_request, also one of the issued shape holding what the database cannot compare', async () => {
    await client.register('cursors@example.com');
    const { accessToken } = await client.signIn('cursors@example.com');
    const forged = (createdAt: string, sessionId: string) => Buffer.from(JSON.stringify([createdAt, sessionId])).toString('base64url');
    const uuid = '00000000-0000-4000-8000-000000000000';
    for (const cursor of [
      'bm90LWEtY3Vyc29y',
      forged('1', uuid),
      forged('+275760-09-13T00:00:00.000Z', uuid),
      forged('2026-01-01T00:00:00.000Z\u0000', uuid),
      forged('2026-01-01T00:00:00.000Z', 'a\u0000b'),
    ]) {
      const response = await app.inject({ method: 'GET', url: `/v1/sessions?cursor=${cursor}`, token: accessToken });
      expect({ cursor, status: response.statusCode, error: response.json().error }).toEqual({
        cursor,
        status: 400,
        error: 'invalid_request',
      });
    }
  });

  it('answers 404 for another account’s session, and leaves it alive', async () => {
    await client.register('owner@example.com');
    await client.register('intruder@example.com');
    const owner = await client.signIn('owner@example.com');
    const intruder = await client.signIn('intruder@example.com');
    await app.settle();
    const ownerSessionId = (await sessions(owner.accessToken)).json().items[0].id;
    const response = await app.inject({ method: 'DELETE', url: `/v1/sessions/${ownerSessionId}`, token: intruder.accessToken });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'not_found', message: expect.any(String) });
    expect(await status(owner.accessToken)).toBe(200);
  });

  it('signs out: the session’s access and refresh tokens stop working', async () => {
    await client.register('leaver@example.com');
    const tokens = await client.signIn('leaver@example.com');
    expect((await app.inject({ method: 'POST', url: '/v1/auth/logout', token: tokens.accessToken })).statusCode).toBe(204);
    expect(await status(tokens.accessToken)).toBe(401);
    expect((await client.refresh(tokens.refreshToken)).statusCode).toBe(401);
  });

  it('ends every session when the password changes, and only the new password signs in', async () => {
    await client.register('changer@example.com');
    const one = await client.signIn('changer@example.com');
    const two = await client.signIn('changer@example.com');
    const change = (currentPassword: string, newPassword: string) =>
      app.inject({ method: 'POST', url: '/v1/me/password', payload: { currentPassword, newPassword }, token: one.accessToken });

    expect((await change('Wrong-Current-1', 'Bq9$tRw4!kXz7y')).json().error).toBe('invalid_current_password');
    const weak = await change(STRONG_PASSWORD, 'password');
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ error: 'weak_password', violations: expect.arrayContaining(['too_short', 'dictionary_word']) });
    expect((await change(STRONG_PASSWORD, 'Bq9$tRw4!kXz7y')).statusCode).toBe(204);

    expect(await status(one.accessToken)).toBe(401);
    expect(await status(two.accessToken)).toBe(401);
    expect((await client.login('changer@example.com', STRONG_PASSWORD)).statusCode).toBe(401);
    expect((await client.login('changer@example.com', 'Bq9$tRw4!kXz7y')).statusCode).toBe(200);
  });
});
