import { TestApp } from '@app/test-app';
import { accountsClient, Tokens } from '../auth/accounts-client';
import { Browser } from './browser';
import { LoopbackOidcProvider } from './loopback-oidc-provider';
import { SocialSignInSetup, startSocialSignInSetup } from './social-sign-in-setup';

describe('linked identities: link from settings, list, unlink', () => {
  let setup: SocialSignInSetup;
  let app: TestApp;
  let provider: LoopbackOidcProvider;
  let client: ReturnType<typeof accountsClient>;

  beforeAll(async () => {
    setup = await startSocialSignInSetup();
    ({ app, provider } = setup);
    client = accountsClient(app);
  });
  afterAll(() => setup?.close());

  const identities = async (token: string) => (await app.inject({ method: 'GET', url: '/v1/me/identities', token })).json();
  const unlink = (token: string, name = 'loopback') => app.inject({ method: 'DELETE', url: `/v1/me/identities/${name}`, token });
  const meOf = async (tokens: Tokens) => (await client.me(tokens.accessToken)).json();

  /** The owner, signed in with `token`, links the provider user `as` from settings in `browser`. */
  async function linkFromSettings(browser: Browser, token: string, as: string) {
    const begun = await browser.visitApp('/v1/me/identities/loopback', { method: 'POST', token });
    if (begun.statusCode !== 200) return begun;
    return browser.visitApp(await browser.atProvider(begun.json().authorizationUrl, { as }));
  }

  it('links a provider identity with another email to a signed-in, verified account; it then signs in to that account', async () => {
    const accountId = await client.register('quinn@example.com');
    await client.verifyEmail('quinn@example.com');
    const owner = await client.signIn('quinn@example.com');
    provider.users.set('quinn-work', { email: 'quinn@work.example', email_verified: false });

    const linked = await linkFromSettings(new Browser(app), owner.accessToken, 'quinn-work');
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toEqual({ provider: 'loopback', email: 'quinn@work.example', linkedAt: expect.any(String) });
    expect(await identities(owner.accessToken)).toEqual({ items: [linked.json()], nextCursor: null });
    const events = await app.runtime.eventStore.readStream(`account-${accountId}`);
    expect(events.at(-1)).toMatchObject({
      type: 'account.identity_linked',
      data: { subject: 'quinn-work', via: 'linked_by_owner', emailVerified: false },
      metadata: { actor: { kind: 'account', id: accountId } },
    });

    const social = await new Browser(app).signIn({ as: 'quinn-work' });
    expect(social.statusCode).toBe(200);
    expect((await meOf(social.json())).accountId).toBe(accountId);
  });

  it('lets the owner of an unverified account link only once the email is verified', async () => {
    await client.register('rae@example.com');
    const owner = await client.signIn('rae@example.com');
    const refused = await app.inject({ method: 'POST', url: '/v1/me/identities/loopback', token: owner.accessToken });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe('email_not_verified');

    await client.verifyEmail('rae@example.com');
    provider.users.set('rae-sub', { email: 'rae@example.com', email_verified: true });
    expect((await linkFromSettings(new Browser(app), owner.accessToken, 'rae-sub')).statusCode).toBe(200);
  });

  it('refuses an identity linked to another account: 409 identity_in_use, and a second identity of one provider', async () => {
    provider.users.set('sam-sub', { email: 'sam@example.com', email_verified: true });
    expect((await new Browser(app).signIn({ as: 'sam-sub' })).statusCode).toBe(200);

    await client.register('tess@example.com');
    await client.verifyEmail('tess@example.com');
    const tess = await client.signIn('tess@example.com');
    const taken = await linkFromSettings(new Browser(app), tess.accessToken, 'sam-sub');
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toBe('identity_in_use');

    provider.users.set('tess-1', { email: 'tess@example.com', email_verified: true });
    provider.users.set('tess-2', { email: 'tess@other.example', email_verified: true });
    expect((await linkFromSettings(new Browser(app), tess.accessToken, 'tess-1')).statusCode).toBe(200);
    const second = await linkFromSettings(new Browser(app), tess.accessToken, 'tess-2');
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toBe('identity_provider_already_linked');
  });

  it('does not finish a link whose session ended meanwhile', async () => {
    await client.register('uma@example.com');
    await client.verifyEmail('uma@example.com');
    const owner = await client.signIn('uma@example.com');
    provider.users.set('uma-sub', { email: 'uma@example.com', email_verified: true });
    const browser = new Browser(app);
    const begun = await browser.visitApp('/v1/me/identities/loopback', { method: 'POST', token: owner.accessToken });
    const callback = await browser.atProvider(begun.json().authorizationUrl, { as: 'uma-sub' });
    await app.inject({ method: 'POST', url: '/v1/auth/logout', token: owner.accessToken });
    const response = await browser.visitApp(callback);
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('unauthorized');
  });

  it('does not accept a sign-in flow cookie at the link callback', async () => {
    provider.users.set('vic-sub', { email: 'vic@example.com', email_verified: true });
    const browser = new Browser(app);
    const start = await browser.visitApp('/v1/auth/oidc/loopback/start');
    const signInCallback = new URL(await browser.atProvider(String(start.headers.location), { as: 'vic-sub' }));
    const response = await app.inject({
      method: 'GET',
      url: `/v1/me/identities/loopback/callback${signInCallback.search}`,
      headers: { cookie: browser.jar.header(signInCallback) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_oidc_state');
  });

  it('unlinks from an account with a password; the identity is then free for a new account', async () => {
    const accountId = await client.register('wes@example.com');
    await client.verifyEmail('wes@example.com');
    const owner = await client.signIn('wes@example.com');
    provider.users.set('wes-alt', { email: 'wes@alt.example', email_verified: true });
    await linkFromSettings(new Browser(app), owner.accessToken, 'wes-alt');

    expect((await unlink(owner.accessToken)).statusCode).toBe(204);
    expect((await identities(owner.accessToken)).items).toEqual([]);
    const events = await app.runtime.eventStore.readStream(`account-${accountId}`);
    expect(events.at(-1)).toMatchObject({ type: 'account.identity_unlinked', data: { provider: 'loopback', subject: 'wes-alt' } });
    expect((await unlink(owner.accessToken)).statusCode).toBe(404);

    const social = await new Browser(app).signIn({ as: 'wes-alt' });
    expect(social.statusCode).toBe(200);
    expect(await meOf(social.json())).toMatchObject({ email: 'wes@alt.example' });
    expect((await meOf(social.json())).accountId).not.toBe(accountId);
  });

  it('refuses to unlink the only way to sign in of an account without a password: 409 last_sign_in_method', async () => {
    provider.users.set('xan-sub', { email: 'xan@example.com', email_verified: true });
    const tokens = (await new Browser(app).signIn({ as: 'xan-sub' })).json<Tokens>();
    const response = await unlink(tokens.accessToken);
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toBe('last_sign_in_method');
    expect((await identities(tokens.accessToken)).items).toHaveLength(1);
  });

  it('needs a signed-in account to list, link or unlink', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/me/identities' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/v1/me/identities/loopback' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'DELETE', url: '/v1/me/identities/loopback' })).statusCode).toBe(401);
  });
});
