import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp, TEST_SERVICE_TOKEN } from '@app/test-app';
import { codeFor } from '../mfa/reference-totp';
import { Holder, mfaClient, PASSWORD } from '../mfa/mfa-client';

const REAUTH_WINDOW_SECONDS = 600;
const GRACE_SECONDS = 7 * 86_400;

describe('closing an account (DELETE /v1/me) and reopening it by signing in', () => {
  let app: TestApp;
  const clock = new ManualClock('2026-11-20T10:00:00.000Z');
  let client: ReturnType<typeof mfaClient>;
  let counter = 0;

  beforeAll(async () => {
    app = await createTestApp({
      clock,
      env: { REAUTH_WINDOW_SECONDS: String(REAUTH_WINDOW_SECONDS), ERASURE_GRACE_SECONDS: String(GRACE_SECONDS) },
    });
    client = mfaClient(app);
  }, 120_000);
  afterAll(() => app.close());

  const fresh = () => client.signUp(`closing-${++counter}@example.com`);
  const closeAccount = (token: string, payload?: unknown) =>
    app.inject({ method: 'DELETE', url: '/v1/me', token, ...(payload === undefined ? {} : { payload }) });
  const accountEvents = async (holder: Holder) =>
    (await app.runtime.eventStore.readStream(`account-${holder.accountId}`)).map((e) => e.type);
  const createKey = async (holder: Holder) =>
    (
      await app.inject({ method: 'POST', url: '/v1/api-keys', token: holder.token, payload: { name: 'Build server', scopes: ['chat'] } })
    ).json<{
      id: string;
      key: string;
    }>();
  const verifyKey = (key: string) =>
    app.inject({ method: 'POST', url: '/v1/keys/verify', token: TEST_SERVICE_TOKEN, payload: { key, endpoint: 'chat' } });
  const usage = (accountId: string, idempotencyKey: string) => ({
    accountId,
    service: 'chat',
    amountMicros: 1_000,
    idempotencyKey,
    occurredAt: clock.now().toISOString(),
  });
  const recordUsage = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/usage', token: TEST_SERVICE_TOKEN, payload });

  it('refuses without a recent sign-in (401 reauthentication_required) or the right password (400 invalid_current_password), writing nothing', async () => {
    const holder = await fresh();
    const before = await accountEvents(holder);

    expect((await app.inject({ method: 'DELETE', url: '/v1/me' })).statusCode).toBe(401);
    const missing = await closeAccount(holder.token);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'invalid_current_password' });
    expect((await closeAccount(holder.token, { password: 'Not-the-password-1!' })).json()).toMatchObject({
      error: 'invalid_current_password',
    });
    const unknownField = await closeAccount(holder.token, { password: PASSWORD, confirm: true });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json()).toMatchObject({ error: 'invalid_request' });
    expect((await closeAccount(holder.token, { password: 42 })).json()).toMatchObject({ error: 'invalid_request' });

    clock.advanceSeconds(REAUTH_WINDOW_SECONDS + 1);
    const stale = await closeAccount(holder.token, { password: PASSWORD });
    expect(stale.statusCode).toBe(401);
    expect(stale.json()).toMatchObject({ error: 'reauthentication_required' });
    expect(await accountEvents(holder)).toEqual(before);
    expect((await client.me(holder.token)).statusCode).toBe(200);
  });

  it('closes at once: sessions end, keys stop verifying, usage is refused with account_closed; other accounts go on', async () => {
    const holder = await fresh();
    const other = await fresh();
    const { key } = await createKey(holder);
    const otherKey = (await createKey(other)).key;
    await app.settle();
    expect((await verifyKey(key)).statusCode).toBe(200);
    const refreshToken = (await client.login(holder.email)).json<{ refreshToken: string }>().refreshToken;

    const closed = await closeAccount(holder.token, { password: PASSWORD });
    expect(closed.statusCode).toBe(204);
    expect(closed.body).toBe('');

    expect((await client.me(holder.token)).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } })).statusCode).toBe(401);
    const refusedKey = await verifyKey(key);
    expect(refusedKey.statusCode).toBe(401);
    expect(refusedKey.json()).toMatchObject({ error: 'invalid_key' });
    expect((await verifyKey(otherKey)).statusCode).toBe(200);

    const single = await recordUsage(usage(holder.accountId, 'closed-1'));
    expect(single.statusCode).toBe(409);
    expect(single.json()).toMatchObject({ error: 'account_closed' });
    const batch = await recordUsage({ records: [usage(other.accountId, 'open-1'), usage(holder.accountId, 'closed-2')] });
    expect(batch.statusCode).toBe(202);
    expect(batch.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [{ index: 1, error: 'account_closed' }] });
    expect(await app.runtime.eventStore.readStream(`billing_usage-${holder.accountId}-2026-11`)).toEqual([]);

    await app.settle();
    const events = await app.runtime.eventStore.readAll();
    const erasureDueAt = new Date(clock.now().getTime() + GRACE_SECONDS * 1000).toISOString();
    expect(events.filter((e) => e.stream === `account-${holder.accountId}` && e.type === 'account.closed').map((e) => e.data)).toEqual([
      { erasureDueAt },
    ]);
    // The reactions record what the closure did: each session's end and each key's revocation.
    expect(events.filter((e) => e.type === 'session.ended' && e.data.accountId === holder.accountId).map((e) => e.data.reason)).toEqual([
      'account_closed',
      'account_closed',
    ]);
    expect(events.filter((e) => e.type === 'api_key.revoked' && e.metadata.accountId === holder.accountId)).toHaveLength(1);
  });

  it('a completed sign-in within the grace period reopens the account; its keys stay revoked', async () => {
    const holder = await fresh();
    const { id, key } = await createKey(holder);
    await app.settle();
    expect((await closeAccount(holder.token, { password: PASSWORD })).statusCode).toBe(204);
    await app.settle();

    clock.advanceSeconds(GRACE_SECONDS - 60);
    const signIn = await client.login(holder.email);
    expect(signIn.statusCode).toBe(200);
    const token = signIn.json<{ accessToken: string }>().accessToken;
    expect(Object.keys(signIn.json()).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken']);
    expect(await accountEvents(holder)).toEqual(expect.arrayContaining(['account.closed', 'account.reopened']));
    expect((await client.me(token)).json()).toMatchObject({ accountId: holder.accountId, email: holder.email });

    expect((await verifyKey(key)).json()).toMatchObject({ error: 'invalid_key' });
    await app.settle();
    const listed = await app.inject({ method: 'GET', url: `/v1/api-keys/${id}`, token });
    expect(listed.json()).toMatchObject({ id, status: 'revoked' });
    expect((await recordUsage(usage(holder.accountId, 'after-reopening'))).statusCode).toBe(202);
    const newKey = await createKey({ ...holder, token });
    await app.settle();
    expect((await verifyKey(newKey.key)).statusCode).toBe(200);
  });

  it('after the grace period the account reads as erased: the right password answers like an unknown email', async () => {
    const holder = await fresh();
    expect((await closeAccount(holder.token, { password: PASSWORD })).statusCode).toBe(204);
    clock.advanceSeconds(GRACE_SECONDS);
    const refused = await client.login(holder.email);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual((await client.login('nobody-at-all@example.com')).json());
    expect(await accountEvents(holder)).not.toContain('account.reopened');
  });

  it('a sign-in that completed a second step closes without the password, and reopening needs both steps', async () => {
    const holder = await fresh();
    const enrolled = (await client.enrolTotp(holder)).json<{ secret: string; factorId: string }>();
    expect((await client.confirmTotp(holder, enrolled.factorId, codeFor(enrolled.secret, clock.now()))).statusCode).toBe(200);
    clock.advanceSeconds(30);
    const completeSignIn = async () => {
      const first = (await client.login(holder.email)).json<{ mfaToken: string }>();
      const second = await app.inject({
        method: 'POST',
        url: '/v1/auth/mfa',
        payload: { mfaToken: first.mfaToken, totpCode: codeFor(enrolled.secret, clock.now()) },
      });
      clock.advanceSeconds(30);
      return second;
    };
    const token = (await completeSignIn()).json<{ accessToken: string }>().accessToken;

    expect((await closeAccount(token)).statusCode).toBe(204);
    expect((await client.me(token)).statusCode).toBe(401);

    // The password alone is only the first step: the account stays closed until the second completes.
    expect((await client.login(holder.email)).json()).toMatchObject({ mfaRequired: true });
    expect(await accountEvents(holder)).not.toContain('account.reopened');
    const reopened = await completeSignIn();
    expect(reopened.statusCode).toBe(200);
    expect(await accountEvents(holder)).toContain('account.reopened');
    expect((await client.me(reopened.json<{ accessToken: string }>().accessToken)).statusCode).toBe(200);
  });
});
