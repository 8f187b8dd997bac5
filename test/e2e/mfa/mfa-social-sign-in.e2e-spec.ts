import { TestApp } from '@app/test-app';
import { METRICS_TOKEN, sample } from '../operations/metrics.helpers';
import { Browser } from '../social-sign-in/browser';
import { LoopbackOidcProvider } from '../social-sign-in/loopback-oidc-provider';
import { SocialSignInSetup, startSocialSignInSetup } from '../social-sign-in/social-sign-in-setup';
import { codeFor } from './reference-totp';

describe('social sign-in on an account with MFA', () => {
  let setup: SocialSignInSetup;
  let app: TestApp;
  let provider: LoopbackOidcProvider;

  beforeAll(async () => {
    setup = await startSocialSignInSetup({ METRICS_TOKEN });
    ({ app, provider } = setup);
    // Starting PGlite takes over 30 s when the machine's two cores are shared by many test runs.
  }, 120_000);
  afterAll(() => setup?.close());

  it('asks for the second step after the provider’s round trip too, and records both methods on the session', async () => {
    provider.users.set('mfa-sub', { email: 'grace@example.com', email_verified: true });
    const first = await new Browser(app).signIn({ as: 'mfa-sub' });
    expect(first.statusCode).toBe(200);
    const { accessToken } = first.json();
    const enrolled = (await app.inject({ method: 'POST', url: '/v1/me/mfa/totp', token: accessToken, payload: {} })).json();
    const confirm = await app.inject({
      method: 'POST',
      url: `/v1/me/mfa/totp/${enrolled.factorId}/verify`,
      token: accessToken,
      payload: { code: codeFor(enrolled.secret, setup.clock.now()) },
    });
    expect(confirm.statusCode).toBe(200);
    setup.clock.advanceSeconds(30);

    const again = await new Browser(app).signIn({ as: 'mfa-sub' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['cache-control']).toBe('no-store');
    const challenge = again.json();
    expect(challenge).toEqual({ mfaRequired: true, mfaToken: expect.any(String), methods: ['totp', 'recovery_code'] });

    const wrongCode = codeFor(enrolled.secret, new Date(setup.clock.now().getTime() - 600_000));
    const refused = await app.inject({
      method: 'POST',
      url: '/v1/auth/mfa',
      payload: { mfaToken: challenge.mfaToken, totpCode: wrongCode },
    });
    expect(refused.statusCode).toBe(401);
    const completed = await app.inject({
      method: 'POST',
      url: '/v1/auth/mfa',
      payload: { mfaToken: challenge.mfaToken, totpCode: codeFor(enrolled.secret, setup.clock.now()) },
    });
    expect(completed.statusCode).toBe(200);
    const sessions = (await app.inject({ method: 'GET', url: '/v1/sessions', token: completed.json().accessToken })).json();
    const current = sessions.items.find((item: { current: boolean }) => item.current);
    expect(current).toMatchObject({ method: expect.stringMatching(/^oidc/), secondFactor: 'totp' });

    // Both steps are sign-in attempts in sign_ins_total: the provider's round trips and the second step.
    const scrape = await app.inject({ method: 'GET', url: '/metrics', token: METRICS_TOKEN });
    expect(scrape.statusCode).toBe(200);
    const counts = (method: string, outcome: string) => sample(scrape.body, 'sign_ins_total', { method, outcome });
    expect({
      oidcSuccess: counts('oidc', 'success'),
      oidcMfaRequired: counts('oidc', 'mfa_required'),
      secondStepRefused: counts('second_step', 'invalid_mfa'),
      secondStepSuccess: counts('second_step', 'success'),
    }).toEqual({ oidcSuccess: 1, oidcMfaRequired: 1, secondStepRefused: 1, secondStepSuccess: 1 });
  });
});
