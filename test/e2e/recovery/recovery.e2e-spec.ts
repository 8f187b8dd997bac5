import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { createKey, Holder, PASSWORD, signUp } from '../api-keys/api-keys.helpers';
import { staffMember } from '../audit/staff.helpers';
import { codeFor } from '../mfa/reference-totp';

const request = (accountEmail: string, fromEmail = accountEmail) => ({
  fromEmail,
  accountEmail,
  subject: 'Account Recovery Request',
  body: 'I lost my phone with the authenticator app',
  lost: 'both',
});

describe('account recovery by support', () => {
  // A Thursday: 2 business days later is the Monday.
  const clock = new ManualClock('2026-03-05T09:00:00.000Z');
  let app: TestApp;
  let support: Holder;
  let holder: Holder;

  beforeAll(async () => {
    app = await createTestApp({ clock, env: { BOOTSTRAP_ADMIN_EMAIL: 'agent@example.com' } });
    support = await staffMember(app, 'agent@example.com', ['support']);
    holder = await signUp(app, 'lost-phone@example.com');
    await createKey(app, holder, { name: 'nightly-export', scopes: ['chat'] });
    const card = await app.inject({
      method: 'POST',
      url: '/v1/billing/payment-methods',
      token: holder.token,
      payload: { type: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, token: 'tok_processor_abc' },
    });
    expect(card.statusCode).toBe(201);
    const enrolled = await app.inject({ method: 'POST', url: '/v1/me/mfa/totp', token: holder.token, payload: {} });
    const { factorId, secret } = enrolled.json<{ factorId: string; secret: string }>();
    const confirmed = await app.inject({
      method: 'POST',
      url: `/v1/me/mfa/totp/${factorId}/verify`,
      token: holder.token,
      payload: { code: codeFor(secret, clock.now()) },
    });
    expect(confirmed.statusCode).toBe(200);
    await app.settle();
  }, 120_000);
  afterAll(() => app.close());

  const post = (path: string, payload?: unknown) =>
    app.inject({ method: 'POST', url: `/v1/support/recovery-cases${path}`, token: support.token, payload });
  const get = (path: string) => app.inject({ method: 'GET', url: `/v1/support/recovery-cases${path}`, token: support.token });
  const open = async (body = request('lost-phone@example.com', 'someone@elsewhere.example')) => {
    const opened = await post('', body);
    expect(opened.statusCode).toBe(201);
    return opened.json<{ id: string; accountId: string; dueBy: string; senderMatchesAccount: boolean; status: string }>();
  };
  /** Sends a code to the account's address and reads it from that mailbox. */
  const mailedCode = async (caseId: string): Promise<string> => {
    expect((await post(`/${caseId}/email-code`)).statusCode).toBe(204);
    await app.settle();
    const mail = app.mailer
      .to('lost-phone@example.com')
      .filter((message) => message.subject === 'Your account recovery code')
      .at(-1);
    const code = /Code: ([0-9]{8})/.exec(mail?.text ?? '')?.[1];
    if (!code) throw new Error('no recovery code was mailed to the account');
    return code;
  };

  it('recovers an account: email ownership, one mismatching and two matching checks, then approval with a reset link', async () => {
    const asHolder = await app.inject({
      method: 'POST',
      url: '/v1/support/recovery-cases',
      token: holder.token,
      payload: request('lost-phone@example.com'),
    });
    expect(asHolder.statusCode).toBe(403);
    const opened = await open();
    expect(opened).toEqual({
      id: expect.any(String),
      accountId: holder.accountId,
      dueBy: '2026-03-09T09:00:00.000Z',
      senderMatchesAccount: false,
      status: 'open',
    });
    await app.settle();
    const steps = app.mailer.to('someone@elsewhere.example');
    expect(steps.map((mail) => mail.subject)).toEqual(['Re: Account Recovery Request']);
    expect(steps[0].text).toContain('last four digits');

    const code = await mailedCode(opened.id);
    // The code went to the account's own address only.
    expect(
      app.mailer
        .to('someone@elsewhere.example')
        .map((mail) => mail.text)
        .join('\n'),
    ).not.toContain(code);
    expect((await post(`/${opened.id}/email-code/verify`, { code })).json()).toEqual({ result: 'match' });

    const mismatch = await post(`/${opened.id}/checks`, { recentActivity: { kind: 'api_key_name', value: 'production-server' } });
    expect(mismatch.json()).toEqual({
      results: { recentActivity: 'mismatch' },
      attemptsLeft: { recentActivity: 2, paymentLast4: 3, accountCreatedOn: 3 },
    });
    const matches = await post(`/${opened.id}/checks`, {
      recentActivity: { kind: 'api_key_name', value: 'Nightly-Export ' },
      accountCreatedOn: '2026-03-05',
    });
    expect(matches.statusCode).toBe(200);
    expect(matches.json()).toEqual({
      results: { recentActivity: 'match', accountCreatedOn: 'match' },
      attemptsLeft: { recentActivity: 1, paymentLast4: 3, accountCreatedOn: 2 },
    });
    expect(matches.body).not.toContain('nightly-export');

    const detail = (await get(`/${opened.id}`)).json();
    expect(detail).toMatchObject({
      status: 'open',
      overdue: false,
      evidence: { emailOwnership: true, matchingChecks: ['recentActivity', 'accountCreatedOn'] },
    });

    expect((await post(`/${opened.id}/approve`, { resetPassword: true, resetMfa: true })).statusCode).toBe(204);
    await app.settle();
    const toAccount = app.mailer.to('lost-phone@example.com').map((mail) => mail.subject);
    expect(toAccount).toEqual(
      expect.arrayContaining(['Your account recovery code', 'Reset your MiniMax password', 'Your account recovery request was approved']),
    );
    // MFA is off: the factor and its recovery codes are gone, in one event of the MFA context's own.
    const mfa = await app.runtime.eventStore.readStream(`mfa-${holder.accountId}`);
    expect(mfa.at(-1)).toMatchObject({ type: 'mfa.reset', data: { caseId: opened.id, recoveryCodeSetId: expect.any(String) } });
    expect((mfa.at(-1)?.data as { factorIds: string[] }).factorIds).toHaveLength(1);
    expect(mfa.filter((event) => event.type === 'mfa.factor_removed')).toEqual([]);
    const resetMail = app.mailer.to('lost-phone@example.com').find((mail) => mail.subject === 'Reset your MiniMax password');
    const token = /reset-password\?token=([^\s"<]+)/.exec(resetMail?.text ?? '')?.[1];
    const newPassword = 'Rv8#Kq3!Wz6$Jm1&';
    const confirmed = await app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset/confirm',
      payload: { token: decodeURIComponent(token ?? ''), newPassword },
    });
    expect(confirmed.statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'lost-phone@example.com', password: newPassword } }))
        .statusCode,
    ).toBe(200);
    expect(app.mailer.to('someone@elsewhere.example').map((mail) => mail.subject)).toEqual(['Re: Account Recovery Request']);

    // Every check is an event of the case, naming the account; none holds a claim or a true value.
    const events = await app.runtime.eventStore.readStream(`recovery_case-${opened.id}`);
    expect(events.map((event) => event.type)).toEqual([
      'recovery.case_opened',
      'recovery.email_code_sent',
      'recovery.email_code_checked',
      'recovery.claim_checked',
      'recovery.claim_checked',
      'recovery.claim_checked',
      'recovery.case_approved',
    ]);
    expect(events.every((event) => event.metadata.accountId === holder.accountId && event.metadata.actor.kind === 'staff')).toBe(true);
    expect(JSON.stringify(events.slice(1).map((event) => event.data))).not.toMatch(/nightly|production-server|"2026-03-05"|"[0-9]{8}"/i);
    expect((await post(`/${opened.id}/deny`, { reason: 'too late' })).json().error).toBe('case_closed');
  });

  it('refuses approval without email ownership, even with two matching checks', async () => {
    const opened = await open(request('lost-phone@example.com'));
    expect(opened.senderMatchesAccount).toBe(true);
    await post(`/${opened.id}/checks`, { recentActivity: { kind: 'sign_in_ip', value: '127.0.0.1' }, accountCreatedOn: '2026-03-05' });
    const code = await mailedCode(opened.id);
    const wrong = code === '00000000' ? '11111111' : '00000000';
    expect((await post(`/${opened.id}/email-code/verify`, { code: wrong })).json()).toEqual({ result: 'mismatch' });

    const refused = await post(`/${opened.id}/approve`, { resetPassword: true, resetMfa: false });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'evidence_insufficient' });
    expect((await app.inject({ method: 'GET', url: `/v1/support/recovery-cases/${opened.id}`, token: support.token })).json().status).toBe(
      'open',
    );

    expect((await post(`/${opened.id}/deny`, { reason: 'The code was not confirmed' })).statusCode).toBe(204);
    await app.settle();
    const denial = app.mailer.to('lost-phone@example.com').find((mail) => mail.subject === 'Your account recovery request was denied');
    expect(denial?.text).toContain('The code was not confirmed');
  });

  it('runs out of attempts after 3 per check, writing nothing more', async () => {
    const opened = await open();
    for (const left of [2, 1, 0]) {
      const answer = await post(`/${opened.id}/checks`, { accountCreatedOn: '1999-01-01' });
      expect(answer.json()).toEqual({
        results: { accountCreatedOn: 'mismatch' },
        attemptsLeft: { recentActivity: 3, paymentLast4: 3, accountCreatedOn: left },
      });
    }
    const fourth = await post(`/${opened.id}/checks`, { accountCreatedOn: '2026-03-05' });
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json()).toMatchObject({ error: 'attempts_exhausted', check: 'accountCreatedOn' });
    const events = await app.runtime.eventStore.readStream(`recovery_case-${opened.id}`);
    expect(events.filter((event) => event.type === 'recovery.claim_checked')).toHaveLength(3);
    // The other checks still have their own attempts.
    const others = await post(`/${opened.id}/checks`, {
      recentActivity: { kind: 'api_key_name', value: 'nightly-export' },
      paymentLast4: '4242',
    });
    expect(others.json()).toEqual({
      results: { recentActivity: 'match', paymentLast4: 'match' },
      attemptsLeft: { recentActivity: 2, paymentLast4: 2, accountCreatedOn: 0 },
    });
    const wrongCard = await post(`/${opened.id}/checks`, { paymentLast4: '1111' });
    expect(wrongCard.json().results).toEqual({ paymentLast4: 'mismatch' });
    expect(wrongCard.body).not.toContain('4242');
  });

  it('lists overdue cases first', async () => {
    clock.set('2026-03-10T09:00:00.000Z'); // past the Monday deadline of the cases above
    support.token = (
      await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'agent@example.com', password: PASSWORD } })
    ).json().accessToken;
    const fresh = await open();
    await app.settle();
    const listed = (await get('?status=open')).json();
    expect(listed.items.at(-1)).toMatchObject({ id: fresh.id, overdue: false, dueBy: '2026-03-12T09:00:00.000Z' });
    expect(listed.items.slice(0, -1).every((item: { overdue: boolean }) => item.overdue)).toBe(true);
    expect(listed.items.length).toBeGreaterThan(1);
  });

  it('answers 404 for an unknown account or case, 400 for bad input, 403 for non-support', async () => {
    expect((await post('', request('nobody@example.com'))).statusCode).toBe(404);
    expect((await post('', { ...request('lost-phone@example.com'), subject: 'hello' })).json().error).toBe('invalid_request');
    expect((await post('', { ...request('lost-phone@example.com'), lost: 'keys' })).statusCode).toBe(400);
    expect((await get('/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/not-a-case')).statusCode).toBe(404);
    const opened = await open();
    expect((await post(`/${opened.id}/checks`, {})).statusCode).toBe(400);
    expect((await post(`/${opened.id}/checks`, { paymentLast4: '12345' })).statusCode).toBe(400);
    expect((await post(`/${opened.id}/checks`, { recentActivity: { kind: 'favourite_colour', value: 'blue' } })).statusCode).toBe(400);
    expect((await post(`/${opened.id}/email-code/verify`, { code: '12345678' })).json().error).toBe('no_code_sent');
    expect((await post(`/${opened.id}/approve`, { resetPassword: false, resetMfa: false })).statusCode).toBe(400);
  });
});
