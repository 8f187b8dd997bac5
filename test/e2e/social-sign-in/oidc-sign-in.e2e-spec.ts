import { ManualClock } from '@app/ddd';
import { TestApp } from '@app/test-app';
import { accountsClient, STRONG_PASSWORD, Tokens } from '../auth/accounts-client';
import { Browser, CookieJar } from './browser';
import { LoopbackOidcProvider } from './loopback-oidc-provider';
import { PUBLIC_URL, SocialSignInSetup, startSocialSignInSetup } from './social-sign-in-setup';

describe('social sign-in with OpenID Connect (a real provider on loopback)', () => {
  let setup: SocialSignInSetup;
  let app: TestApp;
  let provider: LoopbackOidcProvider;
  let inline: LoopbackOidcProvider;
  let clock: ManualClock;
  let client: ReturnType<typeof accountsClient>;

  beforeAll(async () => {
    setup = await startSocialSignInSetup();
    ({ app, provider, inline, clock } = setup);
    client = accountsClient(app);
  });
  afterAll(() => setup?.close());

  /** The structured log lines of refused round trips, as written. */
  const refusals = () => setup.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'oidc sign-in refused');
  const accountEvents = (accountId: string) => app.runtime.eventStore.readStream(`account-${accountId}`);
  const meOf = async (tokens: Tokens) => (await client.me(tokens.accessToken)).json();
  /** The session id an access token names (its `sid` claim). */
  const sessionIdOf = (accessToken: string): string =>
    (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as { sid: string }).sid;
  const identitiesOf = async (tokens: Tokens) =>
    (await app.inject({ method: 'GET', url: '/v1/me/identities', token: tokens.accessToken })).json();
  /** The log's head once background work is done: unchanged means nothing was appended. */
  const head = async () => {
    await app.settle();
    return app.runtime.eventStore.headPosition();
  };

  it('creates an account without a password on the first sign-in, with the email verified because the provider said so', async () => {
    provider.users.set('ada-sub', { email: 'Ada@Example.com', email_verified: true });
    const started = Date.now();
    const response = await new Browser(app).signIn({ as: 'ada-sub' });
    const roundTripMs = Date.now() - started;
    expect(response.statusCode).toBe(200);
    const tokens = response.json<Tokens>();
    expect(tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });

    const me = await meOf(tokens);
    expect(me).toEqual({
      accountId: expect.any(String),
      email: 'ada@example.com',
      emailVerified: true,
      createdAt: expect.any(String),
      mfaEnabled: false,
      roles: [],
      plan: 'basic',
    });
    expect(await identitiesOf(tokens)).toEqual({
      items: [{ provider: 'loopback', email: 'ada@example.com', linkedAt: expect.any(String) }],
      nextCursor: null,
    });

    const events = await accountEvents(me.accountId);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['account.registered', { accountId: me.accountId, email: 'ada@example.com', passwordHashSealed: null }],
      ['account.email_verified', { email: 'ada@example.com' }],
      [
        'account.identity_linked',
        {
          provider: 'loopback',
          issuer: provider.issuer,
          subject: 'ada-sub',
          email: 'ada@example.com',
          emailVerified: true,
          via: 'signed_up',
        },
      ],
    ]);
    const [session] = await app.runtime.eventStore.readStream(`session-${sessionIdOf(tokens.accessToken)}`);
    expect(session).toMatchObject({
      type: 'session.started',
      data: expect.objectContaining({ method: 'oidc:loopback', accountId: me.accountId }),
    });
    await app.settle();
    const listing = await app.inject({ method: 'GET', url: '/v1/sessions', headers: { authorization: `Bearer ${tokens.accessToken}` } });
    expect(listing.json().items).toEqual([expect.objectContaining({ current: true, method: 'oidc:loopback', secondFactor: null })]);
    // Verified by the provider: no verification mail.
    await app.settle();
    expect(app.mailer.to('ada@example.com')).toEqual([]);
    process.stdout.write(
      `[oidc sign-in] first sign-in, full round trip (app start, provider login + consent, callback): ${roundTripMs} ms\n`,
    );
  });

  it('signs in to the same account the second time, with a new session and no new account events', async () => {
    provider.users.set('bob-sub', { email: 'bob@example.com', email_verified: true });
    const first = (await new Browser(app).signIn({ as: 'bob-sub' })).json<Tokens>();
    const accountId = (await meOf(first)).accountId;
    const started = Date.now();
    const second = await new Browser(app).signIn({ as: 'bob-sub' });
    const roundTripMs = Date.now() - started;
    expect(second.statusCode).toBe(200);
    expect((await meOf(second.json())).accountId).toBe(accountId);
    const types = (await accountEvents(accountId)).map((e) => e.type);
    expect(types.filter((type) => type === 'account.registered')).toHaveLength(1);
    expect(sessionIdOf(first.accessToken)).not.toBe(sessionIdOf(second.json<Tokens>().accessToken));
    for (const tokens of [first, second.json<Tokens>()]) {
      const [session] = await app.runtime.eventStore.readStream(`session-${sessionIdOf(tokens.accessToken)}`);
      expect(session).toMatchObject({ type: 'session.started', data: expect.objectContaining({ accountId, method: 'oidc:loopback' }) });
    }
    process.stdout.write(`[oidc sign-in] returning sign-in, full round trip: ${roundTripMs} ms\n`);
  });

  it('reads the email from the ID token when the provider puts it there (no userinfo call needed)', async () => {
    inline.users.set('cy-sub', { email: 'cy@example.com', email_verified: true });
    const response = await new Browser(app).signIn({ as: 'cy-sub' }, 'inline');
    expect(response.statusCode).toBe(200);
    expect(await meOf(response.json())).toMatchObject({ email: 'cy@example.com', emailVerified: true });
  });

  it('leaves the email unverified when the provider did not verify it, and mails the verification link', async () => {
    provider.users.set('dee-sub', { email: 'dee@example.com', email_verified: false });
    const tokens = (await new Browser(app).signIn({ as: 'dee-sub' })).json<Tokens>();
    expect(await meOf(tokens)).toMatchObject({ email: 'dee@example.com', emailVerified: false });
    await client.verifyEmail('dee@example.com');
    expect(await meOf(tokens)).toMatchObject({ emailVerified: true });
  });

  it('links the identity to an existing account when both sides verified the same email; the password still works', async () => {
    const accountId = await client.register('erin@example.com');
    await client.verifyEmail('erin@example.com');
    provider.users.set('erin-sub', { email: 'ERIN@example.com', email_verified: true });

    const response = await new Browser(app).signIn({ as: 'erin-sub' });
    expect(response.statusCode).toBe(200);
    expect((await meOf(response.json())).accountId).toBe(accountId);
    const linked = (await accountEvents(accountId)).find((e) => e.type === 'account.identity_linked');
    expect(linked?.data).toMatchObject({ subject: 'erin-sub', via: 'verified_email_match' });
    expect((await client.login('erin@example.com')).statusCode).toBe(200);
  });

  it('does not link to an account whose email is unverified (pre-hijacking): 409 account_exists_unlinked, nothing written', async () => {
    const squatterId = await client.register('fay@example.com');
    provider.users.set('fay-sub', { email: 'fay@example.com', email_verified: true });
    const before = await head();
    const response = await new Browser(app).signIn({ as: 'fay-sub' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: 'account_exists_unlinked', message: expect.stringContaining('Sign in with your password') });
    expect(await head()).toBe(before);
    expect((await accountEvents(squatterId)).map((e) => e.type)).toEqual(['account.registered']);
  });

  it('does not link when the provider did not verify the email, even to a verified account', async () => {
    await client.register('gus@example.com');
    await client.verifyEmail('gus@example.com');
    provider.users.set('gus-sub', { email: 'gus@example.com', email_verified: false });
    const before = await head();
    const response = await new Browser(app).signIn({ as: 'gus-sub' });
    expect(response.json().error).toBe('account_exists_unlinked');
    expect(await head()).toBe(before);
  });

  it('refuses a callback whose state is not the one this browser started with: 400 invalid_oidc_state, nothing written', async () => {
    provider.users.set('hal-sub', { email: 'hal@example.com', email_verified: true });
    const browser = new Browser(app);
    const start = await browser.visitApp('/v1/auth/oidc/loopback/start');
    const callback = new URL(await browser.atProvider(String(start.headers.location), { as: 'hal-sub' }));
    callback.searchParams.set('state', 'forged-state');
    const before = await head();
    const response = await browser.visitApp(`${callback.pathname}${callback.search}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_oidc_state', message: expect.any(String) });
    expect(await head()).toBe(before);
    expect(await app.runtime.eventStore.readAll()).not.toContainEqual(
      expect.objectContaining({ data: expect.objectContaining({ subject: 'hal-sub' }) }),
    );
  });

  it('refuses a callback from another browser (no flow cookie: login CSRF) and the same callback twice', async () => {
    provider.users.set('ivy-sub', { email: 'ivy@example.com', email_verified: true });
    const victim = new Browser(app);
    const attacker = new Browser(app);
    const start = await attacker.visitApp('/v1/auth/oidc/loopback/start');
    const callback = await attacker.atProvider(String(start.headers.location), { as: 'ivy-sub' });
    const planted = await victim.visitApp(callback);
    expect(planted.statusCode).toBe(400);
    expect(planted.json().error).toBe('invalid_oidc_state');

    expect((await attacker.visitApp(callback)).statusCode).toBe(200);
    // The flow cookie was cleared by the first use.
    expect((await attacker.visitApp(callback)).json().error).toBe('invalid_oidc_state');
  });

  it('refuses an ID token whose nonce differs from the one sent: 401 invalid_oidc_response, nothing written', async () => {
    provider.users.set('jo-sub', { email: 'jo@example.com', email_verified: true });
    const browser = new Browser(app);
    const start = await browser.visitApp('/v1/auth/oidc/loopback/start');
    // The authorization request is altered on its way to the provider: its ID token carries this nonce.
    const authorizationUrl = new URL(String(start.headers.location));
    authorizationUrl.searchParams.set('nonce', 'nonce-of-another-request');
    const callback = await browser.atProvider(authorizationUrl.href, { as: 'jo-sub' });
    const before = await head();
    const response = await browser.visitApp(callback);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'invalid_oidc_response', message: expect.any(String) });
    expect(refusals().at(-1)).toMatchObject({
      provider: 'loopback',
      reason: { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', detail: expect.stringContaining('nonce') },
    });
    expect(await head()).toBe(before);
  });

  it('refuses a round trip with a substituted PKCE challenge (the code cannot be redeemed)', async () => {
    provider.users.set('kim-sub', { email: 'kim@example.com', email_verified: true });
    const browser = new Browser(app);
    const start = await browser.visitApp('/v1/auth/oidc/loopback/start');
    const authorizationUrl = new URL(String(start.headers.location));
    authorizationUrl.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const response = await browser.visitApp(await browser.atProvider(authorizationUrl.href, { as: 'kim-sub' }));
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('invalid_oidc_response');
    expect(refusals().at(-1)).toMatchObject({ reason: { kind: 'ResponseBodyError', error: 'invalid_grant' } });
  });

  it('answers 401 invalid_oidc_response when the user refuses at the provider', async () => {
    const response = await new Browser(app).signIn({ deny: true });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'invalid_oidc_response', message: 'loopback did not complete the sign-in (access_denied)' });
  });

  it('refuses a round trip that took longer than 10 minutes', async () => {
    provider.users.set('lee-sub', { email: 'lee@example.com', email_verified: true });
    const browser = new Browser(app);
    const start = await browser.visitApp('/v1/auth/oidc/loopback/start');
    const callback = await browser.atProvider(String(start.headers.location), { as: 'lee-sub' });
    clock.advanceSeconds(601);
    expect((await browser.visitApp(callback)).json().error).toBe('invalid_oidc_state');
  });

  it('refuses a suspended account after the provider round trip: 403 account_suspended, no session', async () => {
    provider.users.set('max-sub', { email: 'max@example.com', email_verified: true });
    const tokens = (await new Browser(app).signIn({ as: 'max-sub' })).json<Tokens>();
    const accountId = (await meOf(tokens)).accountId;

    const bossId = await client.register('boss@example.com');
    await client.verifyEmail('boss@example.com');
    const boss = await client.signIn('boss@example.com');
    await app.inject({
      method: 'PUT',
      url: `/v1/admin/accounts/${bossId}/roles`,
      payload: { roles: ['support'] },
      token: boss.accessToken,
    });
    const suspension = await app.inject({
      method: 'POST',
      url: `/v1/support/accounts/${accountId}/suspend`,
      payload: { reason: 'fraud' },
      token: boss.accessToken,
    });
    expect(suspension.statusCode).toBe(204);

    const before = await head();
    const response = await new Browser(app).signIn({ as: 'max-sub' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'account_suspended', message: expect.stringContaining('support@') });
    expect(await head()).toBe(before);
  });

  it("applies the email's sign-in lock: 423 after five wrong passwords, even through the provider", async () => {
    await client.register('ned@example.com');
    await client.verifyEmail('ned@example.com');
    provider.users.set('ned-sub', { email: 'ned@example.com', email_verified: true });
    for (let attempt = 1; attempt <= 5; attempt++) await client.login('ned@example.com', `Wrong-Password-${attempt}`);
    const response = await new Browser(app).signIn({ as: 'ned-sub' });
    expect(response.statusCode).toBe(423);
    expect(response.json()).toMatchObject({ error: 'account_locked', retryAfter: 900 });
    clock.advanceSeconds(900);
    expect((await new Browser(app).signIn({ as: 'ned-sub' })).statusCode).toBe(200);
  });

  it('gives an account without a password the generic 401 on a password sign-in', async () => {
    provider.users.set('ola-sub', { email: 'ola@example.com', email_verified: true });
    expect((await new Browser(app).signIn({ as: 'ola-sub' })).statusCode).toBe(200);
    const social = await client.login('ola@example.com', STRONG_PASSWORD);
    const unknown = await client.login('nobody-at-all@example.com', STRONG_PASSWORD);
    expect(social.statusCode).toBe(401);
    expect(social.body).toBe(unknown.body);
    expect(social.json()).toEqual({ error: 'invalid_credentials', message: 'Invalid email or password' });
  });

  it('answers 404 not_found for a provider that is not configured, and 502 when discovery fails', async () => {
    for (const path of ['/v1/auth/oidc/nope/start', '/v1/auth/oidc/nope/callback?code=x&state=y']) {
      const response = await app.inject({ method: 'GET', url: path });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toBe('not_found');
    }
    const unreachable = await app.inject({ method: 'GET', url: '/v1/auth/oidc/unreachable/start' });
    expect(unreachable.statusCode).toBe(502);
    expect(unreachable.json().error).toBe('oidc_provider_unavailable');
  });

  it('keeps the round trip in a sealed HttpOnly cookie scoped to the callback, and nothing of it in events or log lines', async () => {
    provider.users.set('pia-sub', { email: 'pia@example.com', email_verified: true });
    const browser = new Browser(app);
    const start = await browser.visitApp('/v1/auth/oidc/loopback/start');
    const location = new URL(String(start.headers.location));
    expect(location.origin).toBe(provider.issuer);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: `${PUBLIC_URL}/v1/auth/oidc/loopback/callback`,
      scope: 'openid email',
      code_challenge_method: 'S256',
    });
    const setCookie = CookieJar.attributesOf(start.headers['set-cookie']);
    expect(setCookie).toMatch(/^oidc_flow=v1\.[^;]+; Path=\/v1\/auth\/oidc\/loopback\/callback; Max-Age=600; HttpOnly; SameSite=Lax$/);
    for (const check of ['state', 'nonce', 'code_challenge']) expect(setCookie).not.toContain(location.searchParams.get(check));

    const callback = new URL(await browser.atProvider(location.href, { as: 'pia-sub' }));
    const response = await browser.visitApp(`${callback.pathname}${callback.search}`);
    expect(response.statusCode).toBe(200);
    expect(CookieJar.attributesOf(response.headers['set-cookie'])).toContain('oidc_flow=; Path=/v1/auth/oidc/loopback/callback; Max-Age=0');
    const log = JSON.stringify(
      (await app.runtime.eventStore.readAll()).map((e) => [e.data, e.metadata]),
      (_k, v) => (typeof v === 'bigint' ? String(v) : v),
    );
    for (const secret of [
      callback.searchParams.get('code'),
      location.searchParams.get('state'),
      location.searchParams.get('nonce'),
      response.json().refreshToken,
    ]) {
      expect(log).not.toContain(secret);
      expect(setup.logLines.join('\n')).not.toContain(secret);
    }
  });
});
