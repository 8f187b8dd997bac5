import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient, STRONG_PASSWORD } from '../auth/accounts-client';

describe('registration: password policy and email verification', () => {
  let app: TestApp;
  let client: ReturnType<typeof accountsClient>;
  beforeAll(async () => {
    app = await createTestApp({ env: { PUBLIC_URL: 'https://hub.minimax.example' } });
    client = accountsClient(app);
  });
  afterAll(() => app.close());

  it('refuses a weak password with 400 weak_password listing every rule broken, and writes nothing', async () => {
    const before = await app.runtime.eventStore.headPosition();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: 'weak@example.com', password: 'weak-example' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'weak_password',
      message: expect.any(String),
      violations: ['no_uppercase', 'no_digit', 'contains_email', 'dictionary_word'],
    });
    expect(await app.runtime.eventStore.headPosition()).toBe(before);
    // Nothing was reserved either: the same email registers with a strong password.
    expect(
      (await app.inject({ method: 'POST', url: '/v1/accounts', payload: { email: 'weak@example.com', password: STRONG_PASSWORD } }))
        .statusCode,
    ).toBe(201);
  });

  it('emails a verification link under PUBLIC_URL; the link verifies the email once, and the token is in no event', async () => {
    const accountId = await client.register('Verify.Me@Example.com');
    await app.settle();
    const mails = app.mailer.to('verify.me@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Verify your email address');
    expect(mails[0].text).toContain('https://hub.minimax.example/verify-email?token=');
    const token = await client.verificationToken('verify.me@example.com');

    const tokens = await client.signIn('verify.me@example.com');
    expect((await client.me(tokens.accessToken)).json()).toMatchObject({ emailVerified: false });
    const verify = () => app.inject({ method: 'POST', url: '/v1/accounts/verify-email', payload: { token } });
    expect((await verify()).statusCode).toBe(204);
    expect((await verify()).statusCode).toBe(204);
    await app.settle();
    expect((await client.me(tokens.accessToken)).json()).toEqual({
      accountId,
      email: 'verify.me@example.com',
      emailVerified: true,
      createdAt: expect.any(String),
      mfaEnabled: false,
      roles: [],
      plan: 'basic',
    });
    const events = await app.runtime.eventStore.readStream(`account-${accountId}`);
    expect(events.filter((event) => event.type === 'account.email_verified')).toHaveLength(1);
    expect(JSON.stringify(events.map((event) => [event.data, event.metadata]))).not.toContain(token.split('.')[1]);
  });

  it('refuses an altered or unknown verification token with 400 invalid_token', async () => {
    await client.register('tamper@example.com');
    const token = await client.verificationToken('tamper@example.com');
    const [accountId, mac] = token.split('.');
    for (const bad of [`${accountId}.${mac.slice(0, -2)}AA`, 'not-a-token', `00000000-0000-0000-0000-000000000000.${mac}`]) {
      const response = await app.inject({ method: 'POST', url: '/v1/accounts/verify-email', payload: { token: bad } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'invalid_token', message: expect.any(String) });
    }
  });
});
