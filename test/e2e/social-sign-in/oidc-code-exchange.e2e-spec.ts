import { createHash } from 'node:crypto';
import { ManualClock } from '@app/ddd';
import { TestApp } from '@app/test-app';
import { staffMember } from '../audit/staff.helpers';
import { codeFor } from '../mfa/reference-totp';
import { Browser } from './browser';
import { LoopbackOidcProvider } from './loopback-oidc-provider';
import { PUBLIC_URL, SocialSignInSetup, startSocialSignInSetup } from './social-sign-in-setup';

const text = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));

describe('social sign-in from the hub: start?returnTo=, the one-time code in the fragment, POST /v1/auth/oidc/exchange', () => {
  let setup: SocialSignInSetup;
  let app: TestApp;
  let provider: LoopbackOidcProvider;
  let clock: ManualClock;

  beforeAll(async () => {
    setup = await startSocialSignInSetup();
    ({ app, provider, clock } = setup);
  }, 120_000);
  afterAll(() => setup?.close());

  const head = async () => {
    await app.settle();
    return app.runtime.eventStore.headPosition();
  };
  const exchange = (code: unknown) => app.inject({ method: 'POST', url: '/v1/auth/oidc/exchange', payload: { code } });
  /** The round trip as the hub starts it; answers the callback's redirect and the code in its fragment. */
  const signInFromHub = async (subject: string, returnTo = '/hub/oidc') => {
    const callback = await new Browser(app).signIn({ as: subject }, 'loopback', returnTo);
    expect(callback.statusCode).toBe(302);
    const location = new URL(String(callback.headers.location));
    return { callback, location, fragment: new URLSearchParams(location.hash.slice(1)) };
  };

  it('redirects to the hub page with a one-time code instead of tokens; the exchange answers the tokens once', async () => {
    provider.users.set('hub-ada', { email: 'hub-ada@example.com', email_verified: true });
    const { callback, location, fragment } = await signInFromHub('hub-ada');
    expect(`${location.origin}${location.pathname}`).toBe(`${PUBLIC_URL}/hub/oidc`);
    expect(callback.headers['cache-control']).toBe('no-store');
    expect(callback.body).toBe('');
    const code = fragment.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const exchanged = await exchange(code);
    expect(exchanged.statusCode).toBe(200);
    expect(exchanged.headers['cache-control']).toBe('no-store');
    const tokens = exchanged.json();
    expect(tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    expect((await app.inject({ method: 'GET', url: '/v1/me', token: tokens.accessToken })).json()).toMatchObject({
      email: 'hub-ada@example.com',
      emailVerified: true,
    });
    const sessions = (await app.inject({ method: 'GET', url: '/v1/sessions', token: tokens.accessToken })).json();
    expect(sessions.items).toEqual([expect.objectContaining({ current: true, method: 'oidc:loopback', secondFactor: null })]);

    const before = await head();
    const again = await exchange(code);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ error: 'invalid_token', message: expect.stringContaining('expired or already used') });
    expect(await head()).toBe(before);
  });

  it('accepts a code for 60 seconds only, and answers an unknown or malformed one without writing anything', async () => {
    provider.users.set('hub-bob', { email: 'hub-bob@example.com', email_verified: true });
    const late = (await signInFromHub('hub-bob')).fragment.get('code')!;
    const inTime = (await signInFromHub('hub-bob')).fragment.get('code')!;
    clock.advanceSeconds(59);
    expect((await exchange(inTime)).statusCode).toBe(200);
    clock.advanceSeconds(1);

    const before = await head();
    const expired = await exchange(late);
    expect([expired.statusCode, expired.json().error]).toEqual([400, 'invalid_token']);
    const unknown = await exchange('A'.repeat(43));
    expect(unknown.json()).toEqual(expired.json());
    for (const payload of [{}, { code: 42 }, { code: '' }, { code: 'x', extra: 1 }]) {
      const malformed = await app.inject({ method: 'POST', url: '/v1/auth/oidc/exchange', payload });
      expect([malformed.statusCode, malformed.json().error]).toEqual([400, 'invalid_request']);
    }
    expect(await head()).toBe(before);
  });

  it('takes returnTo only as a page of the hub on PUBLIC_URL: anything else is 400 invalid_request, no round trip begun', async () => {
    const refused = [
      'https://evil.example/hub/oidc',
      '//evil.example/hub/oidc',
      '/\\evil.example/hub/oidc',
      'http://localhost:3000.evil.example/hub/oidc',
      'http://user:secret@localhost:3000/hub/oidc',
      'https://localhost:3000/hub/oidc',
      'javascript:alert(1)',
      '/v1/me',
      '/hub/../v1/me',
      '/hub/%2e%2e/docs',
      '/hubby',
      '/hub/oidc#code=planted',
      '/hub/oidc\nSet-Cookie: x=1',
      '',
    ];
    for (const returnTo of refused) {
      const start = await app.inject({ method: 'GET', url: `/v1/auth/oidc/loopback/start?${new URLSearchParams({ returnTo })}` });
      expect({ returnTo, status: start.statusCode, body: start.json() }).toEqual({
        returnTo,
        status: 400,
        body: { error: 'invalid_request', message: expect.any(String), details: [{ field: 'returnTo', message: expect.any(String) }] },
      });
      expect(start.headers['set-cookie']).toBeUndefined();
      expect(start.headers.location).toBeUndefined();
    }
    const twice = await app.inject({ method: 'GET', url: '/v1/auth/oidc/loopback/start?returnTo=/hub/oidc&returnTo=/hub/keys' });
    expect([twice.statusCode, twice.json().error]).toEqual([400, 'invalid_request']);

    provider.users.set('hub-cy', { email: 'hub-cy@example.com', email_verified: true });
    const { location } = await signInFromHub('hub-cy', `${PUBLIC_URL}/hub/oidc?next=billing`);
    expect(`${location.origin}${location.pathname}${location.search}`).toBe(`${PUBLIC_URL}/hub/oidc?next=billing`);
  });

  it('answers the second step after the exchange when the account has MFA', async () => {
    provider.users.set('hub-mfa', { email: 'hub-mfa@example.com', email_verified: true });
    const tokens = (await exchange((await signInFromHub('hub-mfa')).fragment.get('code'))).json();
    const enrolled = (await app.inject({ method: 'POST', url: '/v1/me/mfa/totp', token: tokens.accessToken, payload: {} })).json();
    const confirmed = await app.inject({
      method: 'POST',
      url: `/v1/me/mfa/totp/${enrolled.factorId}/verify`,
      token: tokens.accessToken,
      payload: { code: codeFor(enrolled.secret, clock.now()) },
    });
    expect(confirmed.statusCode).toBe(200);
    clock.advanceSeconds(30);

    const challenge = (await exchange((await signInFromHub('hub-mfa')).fragment.get('code'))).json();
    expect(challenge).toEqual({ mfaRequired: true, mfaToken: expect.any(String), methods: ['totp', 'recovery_code'] });
    const completed = await app.inject({
      method: 'POST',
      url: '/v1/auth/mfa',
      payload: { mfaToken: challenge.mfaToken, totpCode: codeFor(enrolled.secret, clock.now()) },
    });
    expect(completed.statusCode).toBe(200);
  });

  it('sends a refusal back to the hub page as an error code in the fragment, and checks suspension again at the exchange', async () => {
    const denied = await new Browser(app).signIn({ deny: true }, 'loopback', '/hub/oidc');
    expect(denied.statusCode).toBe(302);
    expect(String(denied.headers.location)).toBe(`${PUBLIC_URL}/hub/oidc#error=invalid_oidc_response`);

    provider.users.set('hub-dee', { email: 'hub-dee@example.com', email_verified: true });
    const accountId = (
      await app.inject({
        method: 'GET',
        url: '/v1/me',
        token: (await exchange((await signInFromHub('hub-dee')).fragment.get('code'))).json().accessToken,
      })
    ).json().accountId;
    const code = (await signInFromHub('hub-dee')).fragment.get('code');
    const support = await staffMember(app, 'boss@example.com', ['support']);
    const suspended = await app.inject({
      method: 'POST',
      url: `/v1/support/accounts/${accountId}/suspend`,
      token: support.token,
      payload: { reason: 'chargeback fraud' },
    });
    expect(suspended.statusCode).toBe(204);
    const answer = await exchange(code);
    expect([answer.statusCode, answer.json().error]).toEqual([403, 'account_suspended']);
    const afterSuspension = await signInFromHub('hub-dee');
    expect(afterSuspension.fragment.get('error')).toBe('account_suspended');
  });

  it('keeps no code in clear: not in a table row, an event or a log line', async () => {
    provider.users.set('hub-eve', { email: 'hub-eve@example.com', email_verified: true });
    const code = (await signInFromHub('hub-eve')).fragment.get('code')!;
    await app.settle();
    const tables = await app.runtime.db.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const rows: string[] = [];
    for (const { table_schema, table_name } of tables.rows) {
      rows.push(text((await app.runtime.db.query(`SELECT * FROM "${table_schema}"."${table_name}"`)).rows));
    }
    const stored = rows.join('\n');
    // The control: the code's row is there, under its hash.
    expect(stored).toContain(createHash('sha256').update(code).digest('hex'));
    expect(stored).not.toContain(code);
    expect(text(await app.runtime.eventStore.readAll())).not.toContain(code);
    expect(setup.logLines.join('\n')).not.toContain(code);
    expect((await exchange(code)).statusCode).toBe(200);
  });
});
