import { ManualClock } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { createTestApp, TestApp } from '@app/test-app';
import { Holder, mfaClient, ORIGIN, PASSWORD, RecordingJobQueue, RP_ID } from './mfa-client';
import { codeFor } from './reference-totp';
import { SoftwareAuthenticator } from './software-authenticator';

interface Challenge {
  mfaRequired: true;
  mfaToken: string;
  methods: string[];
}

describe('the second step of sign-in over HTTP (POST /v1/auth/mfa)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let client: ReturnType<typeof mfaClient>;
  const queue = new RecordingJobQueue();
  const logLines: string[] = [];
  const secrets: string[] = [];
  const codes: string[] = [];
  let counter = 0;

  beforeAll(async () => {
    clock = new ManualClock('2026-03-02T09:00:00.000Z');
    app = await createTestApp({ clock, queue, logLines });
    client = mfaClient(app);
    // Starting PGlite takes over 30 s when the machine's two cores are shared by many test runs.
  }, 120_000);

  afterAll(() => app.close());

  const fresh = (name: string) => client.signUp(`${name}-${++counter}@example.com`);
  /** Moves to the next 30-second step, so a code differs from the one accepted before. */
  const nextStep = () => clock.advanceSeconds(30);

  async function withTotp(holder: Holder) {
    const enrolled = (await client.enrolTotp(holder)).json();
    secrets.push(enrolled.secret);
    const confirmed = (await client.confirmTotp(holder, enrolled.factorId, codeFor(enrolled.secret, clock.now()))).json();
    codes.push(...(confirmed.recoveryCodes ?? []));
    nextStep();
    return { secret: enrolled.secret as string, factorId: enrolled.factorId as string, recoveryCodes: confirmed.recoveryCodes as string[] };
  }

  async function withKey(holder: Holder, options: { keepsCounter?: boolean } = {}) {
    const authenticator = new SoftwareAuthenticator(ORIGIN, RP_ID, options);
    const registration = (await client.webauthnOptions(holder)).json();
    const registered = (await client.registerWebauthn(holder, authenticator.register(registration))).json();
    codes.push(...(registered.recoveryCodes ?? []));
    return { authenticator, factorId: registered.factorId as string };
  }

  async function challenge(holder: Holder): Promise<Challenge> {
    const response = await client.login(holder.email);
    expect(response.statusCode).toBe(200);
    return response.json<Challenge>();
  }

  const secondStep = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/auth/mfa', payload });
  const keyOptions = (mfaToken: unknown) => app.inject({ method: 'POST', url: '/v1/auth/mfa/webauthn/options', payload: { mfaToken } });
  const sessions = (token: string) => app.inject({ method: 'GET', url: '/v1/sessions', token });
  const allEvents = async (): Promise<RecordedEvent[]> => app.runtime.eventStore.readAll();
  /** Events appended while `act` ran (the log's tail). */
  async function appendedBy(act: () => Promise<unknown>): Promise<RecordedEvent[]> {
    const before = (await allEvents()).length;
    await act();
    return (await allEvents()).slice(before);
  }
  const sessionsStartedFor = async (holder: Holder) =>
    (await allEvents()).filter((event) => event.type === 'session.started' && event.metadata.accountId === holder.accountId).length;

  it('asks for the second step after a correct password, naming only the methods the account has, uncached', async () => {
    const ada = await fresh('ada');
    expect((await client.login(ada.email)).json().accessToken).toEqual(expect.any(String));
    await withTotp(ada);
    const started = await sessionsStartedFor(ada);
    const response = await client.login(ada.email);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ mfaRequired: true, mfaToken: expect.any(String), methods: ['totp', 'recovery_code'] });
    expect(await sessionsStartedFor(ada)).toBe(started);

    const bob = await fresh('bob');
    await withKey(bob);
    expect((await challenge(bob)).methods).toEqual(['webauthn', 'recovery_code']);
    await withTotp(bob);
    expect((await challenge(bob)).methods).toEqual(['totp', 'webauthn', 'recovery_code']);
  });

  it('completes with a current TOTP code: tokens, a session that says which factor, MFA shown on /v1/me', async () => {
    const ada = await fresh('ada');
    const { secret } = await withTotp(ada);
    const { mfaToken } = await challenge(ada);
    const response = await secondStep({ mfaToken, totpCode: codeFor(secret, clock.now()) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const tokens = response.json();
    expect(tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    const listed = (await sessions(tokens.accessToken)).json().items.find((item: { current: boolean }) => item.current);
    expect(listed).toMatchObject({ method: 'password', secondFactor: 'totp' });
    expect((await client.me(tokens.accessToken)).json().mfaEnabled).toBe(true);
    const completed = (await client.mfaEvents(ada)).filter((event) => event.type === 'mfa.second_step_completed');
    expect(completed.map((event) => event.data.method)).toEqual(['totp']);
    // A completed second step is a recent sign-in: changes are allowed at once.
    ada.token = tokens.accessToken;
    const regenerated = await client.regenerateCodes(ada);
    expect(regenerated.statusCode).toBe(200);
    codes.push(...regenerated.json().recoveryCodes);
  });

  it('accepts a code once: the same code again, in the same step or the next, is 401 invalid_mfa', async () => {
    const ada = await fresh('ada');
    const { secret } = await withTotp(ada);
    const code = codeFor(secret, clock.now());
    expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, totpCode: code })).statusCode).toBe(200);
    const again = await secondStep({ mfaToken: (await challenge(ada)).mfaToken, totpCode: code });
    expect(again.statusCode).toBe(401);
    expect(again.json().error).toBe('invalid_mfa');
    nextStep();
    expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, totpCode: code })).statusCode).toBe(401);
    expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, totpCode: codeFor(secret, clock.now()) })).statusCode).toBe(200);
  });

  it('accepts one step of drift, not two', async () => {
    const ada = await fresh('ada');
    const { secret } = await withTotp(ada);
    nextStep();
    nextStep();
    expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, totpCode: codeFor(secret, clock.now(), -2) })).statusCode).toBe(
      401,
    );
    expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, totpCode: codeFor(secret, clock.now(), 2) })).statusCode).toBe(
      401,
    );
    expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, totpCode: codeFor(secret, clock.now(), 1) })).statusCode).toBe(
      200,
    );
  });

  describe('the mfaToken', () => {
    it('is spent by its first success: a second use writes nothing and signs nobody in', async () => {
      const ada = await fresh('ada');
      const { secret, recoveryCodes } = await withTotp(ada);
      const { mfaToken } = await challenge(ada);
      expect((await secondStep({ mfaToken, totpCode: codeFor(secret, clock.now()) })).statusCode).toBe(200);
      nextStep();
      const started = await sessionsStartedFor(ada);
      const appended = await appendedBy(async () => {
        for (const proof of [{ totpCode: codeFor(secret, clock.now()) }, { recoveryCode: recoveryCodes[0] }]) {
          const response = await secondStep({ mfaToken, ...proof });
          expect(response.statusCode).toBe(401);
          expect(response.json().error).toBe('invalid_mfa');
        }
      });
      expect(appended).toEqual([]);
      expect(await sessionsStartedFor(ada)).toBe(started);
    });

    it('expires after 5 minutes', async () => {
      const ada = await fresh('ada');
      const { secret } = await withTotp(ada);
      const { mfaToken } = await challenge(ada);
      clock.advanceSeconds(301);
      const appended = await appendedBy(async () => {
        expect((await secondStep({ mfaToken, totpCode: codeFor(secret, clock.now()) })).json().error).toBe('invalid_mfa');
      });
      expect(appended).toEqual([]);
    });

    it('is refused forged, or as an access token; an access token is refused in its place', async () => {
      const ada = await fresh('ada');
      const { secret } = await withTotp(ada);
      const { mfaToken } = await challenge(ada);
      const [header, payload, signature] = mfaToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const otherAccount = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
      const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      const accessToken = await client.signIn((await fresh('plain')).email);
      const appended = await appendedBy(async () => {
        for (const token of [`${header}.${otherAccount}.${signature}`, `${header}.${payload}.${flipped}`, accessToken, 'not-a-token', '']) {
          const response = await secondStep({ mfaToken: token, totpCode: codeFor(secret, clock.now()) });
          expect(response.statusCode).toBe(401);
          expect(response.json()).toEqual({ error: 'invalid_mfa', message: 'The second factor could not be verified' });
        }
        expect((await app.inject({ method: 'GET', url: '/v1/me', token: mfaToken })).json().error).toBe('unauthorized');
        expect((await app.inject({ method: 'GET', url: '/v1/me/mfa', token: mfaToken })).statusCode).toBe(401);
      });
      expect(appended.filter((event) => event.metadata.accountId === ada.accountId)).toEqual([]);
    });
  });

  describe('a wrong proof with a valid mfaToken', () => {
    it('is one failure on the email’s sign-in guard stream and nothing else', async () => {
      const ada = await fresh('ada');
      const { secret } = await withTotp(ada);
      const { mfaToken } = await challenge(ada);
      const wrong = String((Number(codeFor(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');
      const appended = await appendedBy(async () => {
        expect((await secondStep({ mfaToken, totpCode: wrong })).json().error).toBe('invalid_mfa');
      });
      expect(appended.map((event) => [event.type, event.stream.startsWith('signin_guard-')])).toEqual([
        ['sign_in_guard.failure_recorded', true],
      ]);
      // The token stays good for the right code.
      expect((await secondStep({ mfaToken, totpCode: codeFor(secret, clock.now()) })).statusCode).toBe(200);
    });

    it('counts toward the lockout: after 5 failures the email is locked (423), even for the right code and the password', async () => {
      const ada = await fresh('ada');
      const { secret } = await withTotp(ada);
      const { mfaToken } = await challenge(ada);
      const wrong = String((Number(codeFor(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await secondStep({ mfaToken, totpCode: wrong })).statusCode);
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const locked = await secondStep({ mfaToken, totpCode: codeFor(secret, clock.now()) });
      expect(locked.statusCode).toBe(423);
      expect(locked.json()).toMatchObject({ error: 'account_locked', retryAfter: expect.any(Number) });
      expect((await client.login(ada.email)).statusCode).toBe(423);
    });

    it('is not reset by the correct password: failures of the second step keep counting across sign-ins', async () => {
      const ada = await fresh('ada');
      const { secret } = await withTotp(ada);
      const wrong = String((Number(codeFor(secret, clock.now())) + 1) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) {
        const { mfaToken } = await challenge(ada);
        expect((await secondStep({ mfaToken, totpCode: wrong })).statusCode).toBe(401);
      }
      expect((await client.login(ada.email)).statusCode).toBe(423);
    });
  });

  it.each([
    ['a 5-digit code', { totpCode: '12345' }],
    ['a 7-digit code', { totpCode: '1234567' }],
    ['letters', { totpCode: 'abcdef' }],
    ['a number', { totpCode: 123456 }],
    ['two proofs', { totpCode: '123456', recoveryCode: 'AAAA-BBBB-CCCC' }],
    ['no proof', {}],
    ['a malformed recovery code', { recoveryCode: 'not-a-code' }],
    ['a recovery code with ambiguous letters', { recoveryCode: 'OIL0-1234-5678' }],
    ['a webauthn response that is not an object', { webauthn: 'yes' }],
    ['a webauthn response without parts', { webauthn: { id: 'abc', rawId: 'abc', type: 'public-key', response: {} } }],
    ['an unknown field', { totpCode: '123456', remember: true }],
  ])('refuses %s with 400 invalid_request, writing nothing', async (_what, proof) => {
    const ada = await fresh('ada');
    await withTotp(ada);
    const { mfaToken } = await challenge(ada);
    const appended = await appendedBy(async () => {
      const response = await secondStep({ mfaToken, ...proof });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_request');
    });
    expect(appended).toEqual([]);
  });

  it('refuses a body without mfaToken with 400', async () => {
    expect((await secondStep({ totpCode: '123456' })).statusCode).toBe(400);
  });

  describe('recovery codes', () => {
    it('work once, typed in any case and without hyphens; the remaining count drops and the owner is mailed', async () => {
      const ada = await fresh('ada');
      const { recoveryCodes } = await withTotp(ada);
      const typed = recoveryCodes[3].replace(/-/g, '').toLowerCase();
      const response = await secondStep({ mfaToken: (await challenge(ada)).mfaToken, recoveryCode: typed });
      expect(response.statusCode).toBe(200);
      const tokens = response.json();
      const listed = (await sessions(tokens.accessToken)).json().items.find((item: { current: boolean }) => item.current);
      expect(listed.secondFactor).toBe('recovery_code');
      ada.token = tokens.accessToken;
      expect((await client.overview(ada)).json().recoveryCodesRemaining).toBe(9);
      const again = await secondStep({ mfaToken: (await challenge(ada)).mfaToken, recoveryCode: recoveryCodes[3] });
      expect(again.statusCode).toBe(401);
      expect((await client.overview(ada)).json().recoveryCodesRemaining).toBe(9);
      await app.settle();
      expect(app.mailer.to(ada.email).map((mail) => mail.subject)).toContain('A recovery code was used to sign in to your account');
    });

    it('of a regenerated set replace the old ones, which stop working', async () => {
      const ada = await fresh('ada');
      const { recoveryCodes: old } = await withTotp(ada);
      const regenerated = (await client.regenerateCodes(ada)).json().recoveryCodes as string[];
      codes.push(...regenerated);
      expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, recoveryCode: old[0] })).statusCode).toBe(401);
      expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, recoveryCode: regenerated[0] })).statusCode).toBe(200);
    });

    it('of another account do not work', async () => {
      const ada = await fresh('ada');
      const bob = await fresh('bob');
      await withTotp(ada);
      const { recoveryCodes: bobs } = await withTotp(bob);
      expect((await secondStep({ mfaToken: (await challenge(ada)).mfaToken, recoveryCode: bobs[0] })).statusCode).toBe(401);
    });
  });

  describe('security keys', () => {
    it('sign in with a registered key: options for that account’s keys, then the assertion; last use shown', async () => {
      const ada = await fresh('ada');
      const { authenticator, factorId } = await withKey(ada);
      const { mfaToken } = await challenge(ada);
      const options = await keyOptions(mfaToken);
      expect(options.statusCode).toBe(200);
      expect(options.json()).toMatchObject({
        rpId: RP_ID,
        userVerification: 'preferred',
        allowCredentials: [{ id: authenticator.id, type: 'public-key' }],
      });
      const response = await secondStep({ mfaToken, webauthn: authenticator.authenticate(options.json()) });
      expect(response.statusCode).toBe(200);
      const tokens = response.json();
      const listed = (await sessions(tokens.accessToken)).json().items.find((item: { current: boolean }) => item.current);
      expect(listed.secondFactor).toBe('webauthn');
      ada.token = tokens.accessToken;
      const { factors } = (await client.overview(ada)).json();
      expect(factors).toEqual([expect.objectContaining({ id: factorId, lastUsedAt: clock.now().toISOString() })]);
    });

    it('accept a key that keeps no counter (0 then 0)', async () => {
      const ada = await fresh('ada');
      const { authenticator } = await withKey(ada, { keepsCounter: false });
      for (let i = 0; i < 2; i++) {
        const { mfaToken } = await challenge(ada);
        const options = (await keyOptions(mfaToken)).json();
        expect((await secondStep({ mfaToken, webauthn: authenticator.authenticate(options) })).statusCode).toBe(200);
      }
    });

    it('refuse options for an account without keys or with a bad token', async () => {
      const ada = await fresh('ada');
      await withTotp(ada);
      expect((await keyOptions((await challenge(ada)).mfaToken)).json().error).toBe('invalid_mfa');
      expect((await keyOptions('forged')).json().error).toBe('invalid_mfa');
      expect((await keyOptions(42)).statusCode).toBe(400);
    });

    describe('refuse with 401 invalid_mfa, signing nobody in and changing no factor', () => {
      let ada: Holder;
      let authenticator: SoftwareAuthenticator;

      beforeEach(async () => {
        ada = await fresh('ada');
        ({ authenticator } = await withKey(ada));
        // One sign-in first, so the stored counter is above 0.
        const { mfaToken } = await challenge(ada);
        expect((await secondStep({ mfaToken, webauthn: authenticator.authenticate((await keyOptions(mfaToken)).json()) })).statusCode).toBe(
          200,
        );
      });

      async function refused(
        build: (options: { challenge: string; rpId?: string }, mfaToken: string) => Promise<unknown> | unknown,
        mfaToken?: string,
      ) {
        const token = mfaToken ?? (await challenge(ada)).mfaToken;
        const options = (await keyOptions(token)).json();
        const webauthn = await build(options, token);
        const started = await sessionsStartedFor(ada);
        const factorsBefore = (await client.mfaEvents(ada)).length;
        const response = await secondStep({ mfaToken: token, webauthn });
        expect(response.statusCode).toBe(401);
        expect(response.json().error).toBe('invalid_mfa');
        expect(await sessionsStartedFor(ada)).toBe(started);
        return (await client.mfaEvents(ada)).slice(factorsBefore);
      }

      it('a tampered signature', async () => {
        expect(await refused((options) => authenticator.authenticate(options, { tamperSignature: true }))).toEqual([]);
      });

      it('a wrong origin', async () => {
        expect(await refused((options) => authenticator.authenticate(options, { origin: 'https://evil.example' }))).toEqual([]);
      });

      it('a wrong RP ID', async () => {
        expect(await refused((options) => authenticator.authenticate(options, { rpId: 'evil.example' }))).toEqual([]);
      });

      it('a challenge of another sign-in', async () => {
        const other = (await keyOptions((await challenge(ada)).mfaToken)).json();
        expect(await refused(() => authenticator.authenticate(other))).toEqual([]);
      });

      it('a replayed assertion', async () => {
        const first = await challenge(ada);
        const assertion = authenticator.authenticate((await keyOptions(first.mfaToken)).json());
        expect((await secondStep({ mfaToken: first.mfaToken, webauthn: assertion })).statusCode).toBe(200);
        expect(await refused(() => assertion)).toEqual([]);
        expect(await refused(() => assertion, first.mfaToken)).toEqual([]);
      });

      it('a key of another account', async () => {
        const eve = await fresh('eve');
        const { authenticator: eves } = await withKey(eve);
        expect(await refused((options) => eves.authenticate(options))).toEqual([]);
      });

      it('a counter that goes backwards: the possible clone is recorded, the key stays, the owner is mailed', async () => {
        const appended = await refused((options) => authenticator.authenticate(options, { counter: authenticator.counter - 1 }));
        expect(appended.map((event) => event.type)).toEqual(['mfa.webauthn_clone_suspected']);
        expect(appended[0].data).toMatchObject({ storedCounter: authenticator.counter, receivedCounter: authenticator.counter - 1 });
        ada.token = await (async () => {
          const { mfaToken } = await challenge(ada);
          const response = await secondStep({ mfaToken, webauthn: authenticator.authenticate((await keyOptions(mfaToken)).json()) });
          expect(response.statusCode).toBe(200);
          return response.json().accessToken as string;
        })();
        expect((await client.overview(ada)).json().factors).toHaveLength(1);
        await app.settle();
        expect(app.mailer.to(ada.email).map((mail) => mail.subject)).toContain('A security key of your account may have been copied');
      });
    });
  });

  describe('a password reset or change never turns MFA off', () => {
    it('after a reset, sign-in still asks for the second factor', async () => {
      const ada = await fresh('ada');
      await withTotp(ada);
      expect((await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: ada.email } })).statusCode).toBe(202);
      await app.settle();
      const mail = app.mailer.to(ada.email).find((message) => /reset-password\?token=/.test(message.text ?? ''));
      const token = decodeURIComponent(/reset-password\?token=([^\s"<]+)/.exec(mail!.text!)![1]);
      const newPassword = 'Zr4&Xq7#Vb2!Lp9$';
      const confirmed = await app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload: { token, newPassword } });
      expect(confirmed.statusCode).toBe(204);
      const response = await client.login(ada.email, newPassword);
      expect(response.json()).toMatchObject({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
    });

    it('after a change, too', async () => {
      const ada = await fresh('ada');
      const { secret } = await withTotp(ada);
      const tokens = (await secondStep({ mfaToken: (await challenge(ada)).mfaToken, totpCode: codeFor(secret, clock.now()) })).json();
      const newPassword = 'Zr4&Xq7#Vb2!Lp9$';
      const changed = await app.inject({
        method: 'POST',
        url: '/v1/me/password',
        token: tokens.accessToken,
        payload: { currentPassword: PASSWORD, newPassword },
      });
      expect(changed.statusCode).toBe(204);
      expect((await client.login(ada.email, newPassword)).json().mfaRequired).toBe(true);
    });
  });

  it('GET /v1/me says mfaEnabled truthfully: off, on with a factor, off again without', async () => {
    const ada = await fresh('ada');
    expect((await client.me(ada.token)).json().mfaEnabled).toBe(false);
    const { factorId } = await withKey(ada);
    expect((await client.me(ada.token)).json().mfaEnabled).toBe(true);
    expect((await client.removeFactor(ada, factorId)).statusCode).toBe(204);
    expect((await client.me(ada.token)).json().mfaEnabled).toBe(false);
    expect((await client.login(ada.email)).json().accessToken).toEqual(expect.any(String));
  });

  it('never lets a TOTP secret, a recovery code or an mfaToken reach an event, a read model, a job payload or a log line', async () => {
    const ada = await fresh('ada');
    await withTotp(ada);
    const { mfaToken } = await challenge(ada);
    await app.settle();
    const events = await allEvents();
    const tables = await app.runtime.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    const rows: unknown[] = [];
    for (const { table_name } of tables.rows) rows.push(...(await app.runtime.db.query(`SELECT * FROM "${table_name}"`)).rows);
    const haystack = JSON.stringify([events, rows, queue.payloads, logLines], (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    expect(haystack).toContain('mfa.second_step_completed');
    expect(logLines.some((line) => line.includes('/v1/auth/mfa'))).toBe(true);
    for (const secret of secrets) expect(haystack).not.toContain(secret);
    for (const code of codes) {
      expect(haystack).not.toContain(code);
      expect(haystack).not.toContain(code.replace(/-/g, ''));
    }
    expect(haystack).not.toContain(mfaToken.split('.')[2]);
  });
});
