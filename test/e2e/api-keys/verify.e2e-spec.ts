import { ManualClock } from '@app/ddd';
import { formatApiKey, issueApiKey } from '@app/api-keys';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { createKey, Holder, signIn, signUp, supportAgent, verify } from './api-keys.helpers';

const BOOTSTRAP_ADMIN = 'root@example.com';

/** A valid key of the right shape with one character changed: its checksum no longer matches. */
function mistype(key: string): string {
  const at = 30;
  return key.slice(0, at) + (key[at] === 'a' ? 'b' : 'a') + key.slice(at + 1);
}

describe('POST /v1/keys/verify (the platform backend)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let holder: Holder;

  beforeAll(async () => {
    clock = new ManualClock('2026-01-05T09:00:00.000Z');
    app = await createTestApp({ clock, env: { BOOTSTRAP_ADMIN_EMAIL: BOOTSTRAP_ADMIN } });
    holder = await signUp(app, 'platform-user@example.com');
  });

  afterAll(() => app.close());

  it('answers 200 with the account, the key id and its scopes for an endpoint the scopes cover', async () => {
    const issued = await createKey(app, holder, { scopes: ['chat', 'models'] });
    const response = await verify(app, issued.key, 'chat.completions');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ valid: true, accountId: holder.accountId, keyId: issued.id, scopes: ['chat', 'models'] });
    expect((await verify(app, issued.key, 'models')).statusCode).toBe(200);
  });

  describe('401 invalid_key, one answer whatever the reason', () => {
    const reasons: Record<string, () => Promise<string>> = {
      'not a key at all': async () => 'hello',
      'an empty string': async () => '',
      'another vendor’s prefix': async () => `ghp_${(await createKey(app, holder)).key.slice(4)}`,
      'a mistyped character (checksum)': async () => mistype((await createKey(app, holder)).key),
      'a well-formed key that was never issued': async () => issueApiKey().key,
      'a real key id with someone else’s secret (format and checksum right, hash wrong)': async () => {
        const issued = await createKey(app, holder);
        const other = await createKey(app, holder);
        return formatApiKey(issued.id, other.key.slice(26, 48));
      },
      'a revoked key': async () => {
        const issued = await createKey(app, holder);
        expect((await verify(app, issued.key)).statusCode).toBe(200);
        await app.inject({ method: 'POST', url: `/v1/api-keys/${issued.id}/revoke`, token: holder.token });
        return issued.key;
      },
      'an expired key': async () => {
        const issued = await createKey(app, holder, { expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
        expect((await verify(app, issued.key)).statusCode).toBe(200);
        clock.advanceSeconds(60);
        holder.token = await signIn(app, holder.email);
        return issued.key;
      },
      'a rotated key after its grace period': async () => {
        const issued = await createKey(app, holder);
        await app.inject({
          method: 'POST',
          url: `/v1/api-keys/${issued.id}/rotate`,
          token: holder.token,
          payload: { gracePeriodSeconds: 30 },
        });
        expect((await verify(app, issued.key)).statusCode).toBe(200);
        clock.advanceSeconds(30);
        return issued.key;
      },
    };

    it.each(Object.keys(reasons))('for %s', async (reason) => {
      const key = await reasons[reason]();
      const response = await verify(app, key);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'invalid_key', message: 'The API key is not valid' });
    });
  });

  it('answers 403 scope_denied for an endpoint outside the key’s scopes', async () => {
    const issued = await createKey(app, holder, { scopes: ['chat'] });
    for (const endpoint of ['video', 'video.generate', 'chatter', 'models.chat']) {
      const response = await verify(app, issued.key, endpoint);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: 'scope_denied' });
    }
  });

  it('answers 403 account_suspended while the account is suspended by support, and 200 again once reinstated', async () => {
    const agent = await supportAgent(app, BOOTSTRAP_ADMIN);
    const suspended = await signUp(app, 'to-be-suspended@example.com');
    const issued = await createKey(app, suspended);
    expect((await verify(app, issued.key)).statusCode).toBe(200);

    const suspension = await app.inject({
      method: 'POST',
      url: `/v1/support/accounts/${suspended.accountId}/suspend`,
      token: agent.token,
      payload: { reason: 'chargeback investigation' },
    });
    expect(suspension.statusCode).toBe(204);
    const refused = await verify(app, issued.key);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: 'account_suspended', message: expect.stringContaining('support@minimax.gr.com') });
    expect((await verify(app, mistype(issued.key))).statusCode).toBe(401);

    const reinstated = await app.inject({
      method: 'POST',
      url: `/v1/support/accounts/${suspended.accountId}/reinstate`,
      token: agent.token,
    });
    expect(reinstated.statusCode).toBe(204);
    expect((await verify(app, issued.key)).statusCode).toBe(200);
  });

  it('answers 401 invalid_service_token to anyone but the platform backend', async () => {
    const issued = await createKey(app, holder);
    for (const token of ['wrong-token', holder.token]) {
      const response = await verify(app, issued.key, 'chat', token);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'invalid_service_token' });
    }
    const anonymous = await app.inject({ method: 'POST', url: '/v1/keys/verify', payload: { key: issued.key, endpoint: 'chat' } });
    expect(anonymous.json()).toMatchObject({ error: 'invalid_service_token' });
  });

  it.each([
    ['a missing endpoint', { key: 'mmx_x' }, 'endpoint'],
    ['a missing key', { endpoint: 'chat' }, 'key'],
    ['a key that is not a string', { key: 42, endpoint: 'chat' }, 'key'],
    ['an endpoint that is not a dotted name', { key: 'mmx_x', endpoint: 'Chat Completions' }, 'endpoint'],
    ['an unknown field', { key: 'mmx_x', endpoint: 'chat', accountId: 'someone' }, 'accountId'],
    ['a body that is not an object', ['mmx_x', 'chat'], 'body'],
  ])('answers 400 invalid_request for %s', async (_case, payload, field) => {
    const response = await app.inject({ method: 'POST', url: '/v1/keys/verify', token: TEST_SERVICE_TOKEN, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'invalid_request',
      details: expect.arrayContaining([expect.objectContaining({ field })]),
    });
  });

  it('answers 400 for malformed JSON, never 500', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/keys/verify',
      token: TEST_SERVICE_TOKEN,
      headers: { 'content-type': 'application/json' },
      payload: '{"key": "mmx_',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
