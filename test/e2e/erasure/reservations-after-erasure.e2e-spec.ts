import { TestApp } from '@app/test-app';
import { Holder, PASSWORD, staffMember } from '../api-keys/api-keys.helpers';
import { Browser } from '../social-sign-in/browser';
import { LoopbackOidcProvider } from '../social-sign-in/loopback-oidc-provider';
import { SocialSignInSetup, startSocialSignInSetup } from '../social-sign-in/social-sign-in-setup';

const GRACE_SECONDS = 600;

/**
 * What an account reserved for uniqueness (its email, its provider identities) is free once it is
 * erased, and already from the deadline of its closure, before the erasure job has run.
 */
describe('the reservations of an erased account', () => {
  let setup: SocialSignInSetup;
  let app: TestApp;
  let provider: LoopbackOidcProvider;
  let admin: Holder;
  let jobs = 0;

  beforeAll(async () => {
    setup = await startSocialSignInSetup({ ERASURE_GRACE_SECONDS: String(GRACE_SECONDS) });
    ({ app, provider } = setup);
    admin = await staffMember(app, 'boss@example.com', ['admin', 'auditor']);
  }, 120_000);
  afterAll(() => setup?.close());

  const socialSignIn = async (subject: string) => {
    const response = await new Browser(app).signIn({ as: subject });
    expect({ subject, status: response.statusCode, body: response.statusCode === 200 ? '' : response.body }).toEqual({
      subject,
      status: 200,
      body: '',
    });
    return response.json<{ accessToken: string }>().accessToken;
  };
  const me = async (token: string) =>
    (await app.inject({ method: 'GET', url: '/v1/me', token })).json<{ accountId: string; email: string }>();
  const identities = async (token: string) => (await app.inject({ method: 'GET', url: '/v1/me/identities', token })).json();
  const accountEvents = async (accountId: string) =>
    (await app.runtime.eventStore.readStream(`account-${accountId}`)).map((event) => event.type);
  const register = (email: string) => app.inject({ method: 'POST', url: '/v1/accounts', payload: { email, password: PASSWORD } });
  const passwordSignIn = (email: string) => app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: PASSWORD } });
  const logged = (message: string) => setup.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === message);
  /** One run of the scheduled erasure, through the queue as the schedule enqueues it. */
  const runErasureJob = async () => {
    await app.settle();
    await app.runtime.queue.enqueue('accounts', 'erase-due-accounts', {}, { jobId: `reservations-spec-${++jobs}` });
    await app.settle();
  };

  it('lets the social identity of an account an admin erased sign up again as a new account, at once', async () => {
    provider.users.set('leaver-sub', { email: 'leaver@example.com', email_verified: true });
    const first = await me(await socialSignIn('leaver-sub'));
    await app.settle();

    // No time passes: the identity is free because the erasure released it, not because its reservation aged.
    const erased = await app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${first.accountId}/erase`,
      token: admin.token,
      payload: { reason: 'the holder asked (ticket 12)' },
    });
    expect(erased.statusCode).toBe(204);
    // The audit trail shows both reservations given back by the erasure.
    const exported = await app.inject({ method: 'GET', url: `/v1/audit/accounts/${first.accountId}/export`, token: admin.token });
    const released = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: { kind?: string }; metadata: { actor: { id: string } } })
      .filter((event) => event.type === 'uniqueness.value_released');
    expect(released.map((event) => [event.data.kind, event.metadata.actor.id])).toEqual([
      ['email', admin.accountId],
      ['oidc_identity', admin.accountId],
    ]);

    const token = await socialSignIn('leaver-sub');
    const second = await me(token);
    expect(second).toMatchObject({ email: 'leaver@example.com' });
    expect(second.accountId).not.toBe(first.accountId);
    expect(await identities(token)).toEqual({
      items: [{ provider: 'loopback', email: 'leaver@example.com', linkedAt: expect.any(String) }],
      nextCursor: null,
    });
    expect(await accountEvents(second.accountId)).toEqual(['account.registered', 'account.email_verified', 'account.identity_linked']);
    // And signing in again finds that new account.
    expect((await me(await socialSignIn('leaver-sub'))).accountId).toBe(second.accountId);
  });

  it('frees the social identity and its email from the closure deadline; the erasure job then leaves the new account alone', async () => {
    provider.users.set('closer-sub', { email: 'closer@example.com', email_verified: true });
    const closing = await socialSignIn('closer-sub');
    const old = await me(closing);
    // A social-only account closes without a password.
    expect((await app.inject({ method: 'DELETE', url: '/v1/me', token: closing })).statusCode).toBe(204);
    await app.settle();

    setup.clock.advanceSeconds(GRACE_SECONDS + 1);
    const token = await socialSignIn('closer-sub');
    const renewed = await me(token);
    expect(renewed).toMatchObject({ email: 'closer@example.com' });
    expect(renewed.accountId).not.toBe(old.accountId);
    expect(await accountEvents(old.accountId)).not.toContain('account.erased');

    await runErasureJob();
    expect(await accountEvents(old.accountId)).toContain('account.erased');
    expect(await accountEvents(renewed.accountId)).toEqual(['account.registered', 'account.email_verified', 'account.identity_linked']);
    const again = await socialSignIn('closer-sub');
    expect(await me(again)).toEqual(renewed);
    expect((await identities(again)).items).toEqual([{ provider: 'loopback', email: 'closer@example.com', linkedAt: expect.any(String) }]);
    expect(logged('closed account not erased')).toEqual([]);
  });

  it('registers the email of an account past its closure deadline before the job runs (201), and the job then erases only the old account', async () => {
    const email = 'returning@example.com';
    const registered = await register(email);
    expect(registered.statusCode).toBe(201);
    const oldId = registered.json<{ accountId: string }>().accountId;
    const closing = (await passwordSignIn(email)).json<{ accessToken: string }>().accessToken;
    expect((await app.inject({ method: 'DELETE', url: '/v1/me', token: closing, payload: { password: PASSWORD } })).statusCode).toBe(204);
    await app.settle();

    // Within the grace period the address is still the closed account's.
    setup.clock.advanceSeconds(GRACE_SECONDS - 1);
    expect((await register(email)).json()).toMatchObject({ error: 'email_taken' });
    // From the deadline it is free, before any erasure job ran; and then it is the new account's.
    setup.clock.advanceSeconds(1);
    const renewed = await register(email);
    expect(renewed.statusCode).toBe(201);
    const newId = renewed.json<{ accountId: string }>().accountId;
    expect(newId).not.toBe(oldId);
    expect((await register(email)).json()).toMatchObject({ error: 'email_taken' });
    expect(await accountEvents(oldId)).not.toContain('account.erased');

    const erasuresBefore = logged('closed accounts erased').length;
    await runErasureJob();
    expect(await accountEvents(oldId)).toContain('account.erased');
    expect(logged('closed accounts erased').slice(erasuresBefore)).toEqual([
      expect.objectContaining({ component: 'accounts', examined: 1, erased: 1 }),
    ]);
    expect(logged('closed account not erased')).toEqual([]);

    // The new account is untouched: it signs in, reads its email, its profile row keeps it, the address stays taken.
    expect(await accountEvents(newId)).toEqual(['account.registered']);
    const signedIn = await passwordSignIn(email);
    expect(signedIn.statusCode).toBe(200);
    expect(await me(signedIn.json<{ accessToken: string }>().accessToken)).toMatchObject({ accountId: newId, email });
    await app.settle();
    const { rows } = await app.runtime.db.query<{ account_id: string; email: string }>(
      `SELECT account_id, email FROM account_profiles WHERE account_id = ANY($1::text[]) ORDER BY account_id = $2`,
      [[oldId, newId], newId],
    );
    expect(rows).toEqual([
      { account_id: oldId, email: '[erased]' },
      { account_id: newId, email },
    ]);
    expect((await register(email)).json()).toMatchObject({ error: 'email_taken' });

    // A second run finds nothing left to do.
    const eventsAfter = await accountEvents(oldId);
    await runErasureJob();
    expect(await accountEvents(oldId)).toEqual(eventsAfter);
    expect(logged('closed account not erased')).toEqual([]);
  });
});
