import { randomUUID } from 'node:crypto';
import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { Holder, mfaClient, ORIGIN, RecordingJobQueue, RP_ID } from './mfa-client';
import { base32Decode, codeFor } from './reference-totp';
import { SoftwareAuthenticator } from './software-authenticator';

const REAUTH_WINDOW_SECONDS = 600;
const RECOVERY_CODE = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

describe('MFA settings over HTTP (/v1/me/mfa)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let client: ReturnType<typeof mfaClient>;
  const queue = new RecordingJobQueue();
  const logLines: string[] = [];
  /** Every TOTP secret and recovery code handed out: none may appear anywhere else (the scan at the end). */
  const secrets: string[] = [];
  const codes: string[] = [];

  beforeAll(async () => {
    clock = new ManualClock('2026-03-02T09:00:00.000Z');
    app = await createTestApp({ clock, queue, logLines, env: { REAUTH_WINDOW_SECONDS: String(REAUTH_WINDOW_SECONDS) } });
    client = mfaClient(app);
    // Starting PGlite takes over 30 s when the machine's two cores are shared by many test runs.
  }, 120_000);

  afterAll(() => app.close());

  const fresh = async (name: string): Promise<Holder> => client.signUp(`${name}-${randomUUID().slice(0, 8)}@example.com`);
  const signInAgain = async (holder: Holder) => {
    holder.token = await client.signIn(holder.email);
  };
  const streamLength = async (holder: Holder) => (await client.mfaEvents(holder)).length;

  async function enrol(holder: Holder, nickname?: string) {
    const response = await client.enrolTotp(holder, nickname === undefined ? {} : { nickname });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ factorId: string; secret: string; otpauthUrl: string; qrCodeSvg: string }>();
    secrets.push(body.secret);
    return body;
  }

  async function addTotp(holder: Holder, nickname?: string) {
    const { factorId, secret } = await enrol(holder, nickname);
    const confirmed = await client.confirmTotp(holder, factorId, codeFor(secret, clock.now()));
    expect(confirmed.statusCode).toBe(200);
    const body = confirmed.json<{ factorId: string; recoveryCodes?: string[] }>();
    codes.push(...(body.recoveryCodes ?? []));
    return { factorId, secret, recoveryCodes: body.recoveryCodes };
  }

  async function addKey(holder: Holder, nickname = 'YubiKey 5C') {
    const authenticator = new SoftwareAuthenticator(ORIGIN, RP_ID);
    const options = (await client.webauthnOptions(holder)).json();
    const registered = await client.registerWebauthn(holder, authenticator.register(options), nickname);
    expect(registered.statusCode).toBe(201);
    const body = registered.json<{ factorId: string; recoveryCodes?: string[] }>();
    codes.push(...(body.recoveryCodes ?? []));
    return { authenticator, ...body };
  }

  describe('TOTP enrolment', () => {
    it('gives a fresh 160-bit secret, its otpauth URL and QR code, uncached, and lists nothing until confirmed', async () => {
      const ada = await fresh('ada');
      const response = await client.enrolTotp(ada, { nickname: 'Phone' });
      expect(response.statusCode).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json();
      secrets.push(body.secret);
      expect(body.factorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(base32Decode(body.secret).length).toBeGreaterThanOrEqual(20);
      const url = new URL(body.otpauthUrl);
      expect(url.protocol).toBe('otpauth:');
      expect(url.host).toBe('totp');
      expect(decodeURIComponent(url.pathname)).toBe(`/MiniMax:${ada.email}`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        secret: body.secret,
        issuer: 'MiniMax',
        algorithm: 'SHA1',
        digits: '6',
        period: '30',
      });
      expect(body.qrCodeSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect((await client.enrolTotp(ada)).json().secret).not.toBe(body.secret);

      expect((await client.overview(ada)).json()).toEqual({ enabled: false, factors: [], recoveryCodesRemaining: 0 });
    });

    it('confirms with the current code: the factor is listed, MFA is on, 10 recovery codes come once, and the owner is mailed', async () => {
      const ada = await fresh('ada');
      const { factorId, secret } = await enrol(ada, 'Phone');
      const response = await client.confirmTotp(ada, factorId, codeFor(secret, clock.now()));
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json();
      codes.push(...body.recoveryCodes);
      expect(body.factorId).toBe(factorId);
      expect(body.recoveryCodes).toHaveLength(10);
      expect(new Set(body.recoveryCodes).size).toBe(10);
      for (const code of body.recoveryCodes) expect(code).toMatch(RECOVERY_CODE);

      expect((await client.overview(ada)).json()).toEqual({
        enabled: true,
        factors: [{ id: factorId, type: 'totp', nickname: 'Phone', createdAt: clock.now().toISOString(), lastUsedAt: null }],
        recoveryCodesRemaining: 10,
      });
      await app.settle();
      expect(app.mailer.to(ada.email).map((mail) => mail.subject)).toContain('A second factor was added to your account');
    });

    it('accepts one step of clock drift either way, not two', async () => {
      const ada = await fresh('ada');
      const early = await enrol(ada);
      expect((await client.confirmTotp(ada, early.factorId, codeFor(early.secret, clock.now(), -2))).statusCode).toBe(401);
      expect((await client.confirmTotp(ada, early.factorId, codeFor(early.secret, clock.now(), -1))).statusCode).toBe(200);
      const late = await enrol(ada);
      expect((await client.confirmTotp(ada, late.factorId, codeFor(late.secret, clock.now(), 2))).statusCode).toBe(401);
      const confirmed = await client.confirmTotp(ada, late.factorId, codeFor(late.secret, clock.now(), 1));
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.json().recoveryCodes).toBeUndefined();
    });

    it('refuses a wrong code with 401 invalid_mfa and writes nothing', async () => {
      const ada = await fresh('ada');
      const { factorId, secret } = await enrol(ada);
      const right = codeFor(secret, clock.now());
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
      const before = await streamLength(ada);
      const response = await client.confirmTotp(ada, factorId, wrong);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: 'invalid_mfa', message: expect.any(String) });
      expect(await streamLength(ada)).toBe(before);
    });

    it.each([['12345'], ['1234567'], ['abcdef'], ['12 456'], [''], [123456], [null]])(
      'refuses the malformed code %p with 400 invalid_request and writes nothing',
      async (code) => {
        const ada = await fresh('ada');
        const { factorId } = await enrol(ada);
        const before = await streamLength(ada);
        const response = await client.confirmTotp(ada, factorId, code);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({
          error: 'invalid_request',
          details: expect.arrayContaining([expect.objectContaining({ field: 'code' })]),
        });
        expect(await streamLength(ada)).toBe(before);
      },
    );

    it("answers 404 for an unknown, malformed or another account's factor id, revealing nothing", async () => {
      const ada = await fresh('ada');
      const bob = await fresh('bob');
      const bobs = await enrol(bob);
      const code = codeFor(bobs.secret, clock.now());
      for (const id of [randomUUID(), 'not-a-factor', bobs.factorId]) {
        const response = await client.confirmTotp(ada, id, code);
        expect(response.statusCode).toBe(404);
        expect(response.json().error).toBe('not_found');
      }
      expect(await streamLength(ada)).toBe(0);
      expect((await client.overview(bob)).json().enabled).toBe(false);
    });

    it('lets a pending factor expire unused after 10 minutes', async () => {
      const ada = await fresh('ada');
      const { factorId, secret } = await enrol(ada);
      clock.advanceSeconds(601);
      await signInAgain(ada);
      const response = await client.confirmTotp(ada, factorId, codeFor(secret, clock.now()));
      expect(response.statusCode).toBe(404);
      expect((await client.overview(ada)).json().enabled).toBe(false);
    });

    it('refuses unknown fields and over-long nicknames with 400, writing nothing', async () => {
      const ada = await fresh('ada');
      expect((await client.enrolTotp(ada, { nickname: 'Phone', secret: 'AAAA' })).statusCode).toBe(400);
      expect((await client.enrolTotp(ada, { nickname: 'x'.repeat(101) })).statusCode).toBe(400);
      expect((await client.enrolTotp(ada, { nickname: '   ' })).statusCode).toBe(400);
      expect((await client.enrolTotp(ada, { nickname: 42 })).statusCode).toBe(400);
      expect(await streamLength(ada)).toBe(0);
    });
  });

  describe('recovery codes', () => {
    it('regenerates: ten new codes, the old set void, the owner mailed', async () => {
      const ada = await fresh('ada');
      const { recoveryCodes: first } = await addTotp(ada);
      const response = await client.regenerateCodes(ada);
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const { recoveryCodes } = response.json();
      codes.push(...recoveryCodes);
      expect(recoveryCodes).toHaveLength(10);
      expect(recoveryCodes.filter((code: string) => first!.includes(code))).toEqual([]);
      expect((await client.overview(ada)).json().recoveryCodesRemaining).toBe(10);
      await app.settle();
      expect(app.mailer.to(ada.email).map((mail) => mail.subject)).toContain('New recovery codes were generated for your account');
    });

    it('needs a second factor: 409 mfa_not_enabled otherwise, nothing written', async () => {
      const ada = await fresh('ada');
      const response = await client.regenerateCodes(ada);
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toBe('mfa_not_enabled');
      expect(await streamLength(ada)).toBe(0);
    });
  });

  describe('removal', () => {
    it('removes one factor, then the last one, which turns MFA off and voids the codes; each mails the owner', async () => {
      const ada = await fresh('ada');
      const totp = await addTotp(ada, 'Phone');
      const key = await addKey(ada, 'Desk key');
      expect(key.recoveryCodes).toBeUndefined();
      expect((await client.removeFactor(ada, totp.factorId)).statusCode).toBe(204);
      expect((await client.overview(ada)).json()).toMatchObject({
        enabled: true,
        factors: [{ id: key.factorId, type: 'webauthn', nickname: 'Desk key' }],
      });
      expect((await client.removeFactor(ada, key.factorId)).statusCode).toBe(204);
      expect((await client.overview(ada)).json()).toEqual({ enabled: false, factors: [], recoveryCodesRemaining: 0 });
      await app.settle();
      expect(app.mailer.to(ada.email).filter((mail) => mail.subject === 'A second factor was removed from your account')).toHaveLength(2);
      const types = (await client.mfaEvents(ada)).map((event) => event.type);
      expect(types.slice(-3)).toEqual(['mfa.factor_removed', 'mfa.factor_removed', 'mfa.recovery_codes_voided']);
    });

    it("answers 404 for an unknown, pending or another account's factor, writing nothing", async () => {
      const ada = await fresh('ada');
      const bob = await fresh('bob');
      await addTotp(ada);
      const bobs = await addTotp(bob);
      const pending = await enrol(ada);
      const before = await streamLength(ada);
      for (const id of [randomUUID(), 'nope', bobs.factorId, pending.factorId]) {
        const response = await client.removeFactor(ada, id);
        expect(response.statusCode).toBe(404);
      }
      expect(await streamLength(ada)).toBe(before);
      expect((await client.overview(bob)).json().enabled).toBe(true);
    });
  });

  describe('re-authentication', () => {
    it(`refuses every change ${REAUTH_WINDOW_SECONDS} s after the sign-in with 401 reauthentication_required, until the next sign-in`, async () => {
      const ada = await fresh('ada');
      const totp = await addTotp(ada);
      const pending = await enrol(ada);
      clock.advanceSeconds(REAUTH_WINDOW_SECONDS + 1);
      const before = await streamLength(ada);
      const refusals = [
        await client.enrolTotp(ada),
        await client.confirmTotp(ada, pending.factorId, codeFor(pending.secret, clock.now())),
        await client.webauthnOptions(ada),
        await client.removeFactor(ada, totp.factorId),
        await client.regenerateCodes(ada),
      ];
      for (const response of refusals) {
        expect(response.statusCode).toBe(401);
        expect(response.json().error).toBe('reauthentication_required');
      }
      expect(await streamLength(ada)).toBe(before);
      expect((await client.overview(ada)).statusCode).toBe(200);

      // The account has MFA now: signing in again takes both steps (a recovery code here).
      const { mfaToken } = (await client.login(ada.email)).json();
      const completed = await app.inject({
        method: 'POST',
        url: '/v1/auth/mfa',
        payload: { mfaToken, recoveryCode: totp.recoveryCodes![0] },
      });
      expect(completed.statusCode).toBe(200);
      ada.token = completed.json().accessToken;
      const regenerated = await client.regenerateCodes(ada);
      expect(regenerated.statusCode).toBe(200);
      codes.push(...regenerated.json().recoveryCodes);
    });

    it('keeps the rule across a refreshed access token: the window counts from the sign-in, not the token', async () => {
      const ada = await fresh('ada');
      const { refreshToken } = (await client.login(ada.email)).json();
      clock.advanceSeconds(REAUTH_WINDOW_SECONDS + 1);
      const refreshed = await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
      expect(refreshed.statusCode).toBe(200);
      ada.token = refreshed.json().accessToken;
      expect((await client.enrolTotp(ada)).json().error).toBe('reauthentication_required');
      expect(await streamLength(ada)).toBe(0);
    });
  });

  describe('security keys (WebAuthn registration)', () => {
    it('offers options for this RP, user verification preferred, attestation none, registered keys excluded', async () => {
      const ada = await fresh('ada');
      const first = await client.webauthnOptions(ada);
      expect(first.statusCode).toBe(200);
      const options = first.json();
      expect(options).toMatchObject({
        rp: { id: RP_ID, name: 'MiniMax' },
        user: { name: ada.email },
        attestation: 'none',
        authenticatorSelection: { userVerification: 'preferred' },
        excludeCredentials: [],
      });
      expect(Buffer.from(options.challenge, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect((await client.webauthnOptions(ada)).json().challenge).not.toBe(options.challenge);

      const { authenticator } = await addKey(ada);
      expect((await client.webauthnOptions(ada)).json().excludeCredentials).toEqual([expect.objectContaining({ id: authenticator.id })]);
    });

    it('registers a key without user verification, with recovery codes as the first factor, and mails the owner', async () => {
      const ada = await fresh('ada');
      const authenticator = new SoftwareAuthenticator(ORIGIN, RP_ID);
      const options = (await client.webauthnOptions(ada)).json();
      const response = await client.registerWebauthn(ada, authenticator.register(options, { userVerified: false }), 'YubiKey 5C');
      expect(response.statusCode).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json();
      codes.push(...body.recoveryCodes);
      expect(body.recoveryCodes).toHaveLength(10);
      expect((await client.overview(ada)).json()).toEqual({
        enabled: true,
        factors: [{ id: body.factorId, type: 'webauthn', nickname: 'YubiKey 5C', createdAt: clock.now().toISOString(), lastUsedAt: null }],
        recoveryCodesRemaining: 10,
      });
      const [registered] = await client.mfaEvents(ada);
      expect(Object.keys(registered.data).sort()).toEqual([
        'challengeExpiresAt',
        'challengeId',
        'counter',
        'credentialId',
        'factorId',
        'nickname',
        'publicKey',
      ]);
      expect(registered.data.credentialId).toBe(authenticator.id);
      await app.settle();
      expect(app.mailer.to(ada.email).map((mail) => mail.subject)).toContain('A second factor was added to your account');
    });

    it('keeps several keys per account, each with its nickname', async () => {
      const ada = await fresh('ada');
      await addKey(ada, 'Desk key');
      await addKey(ada, 'Travel key');
      const { factors } = (await client.overview(ada)).json();
      expect(factors.map((factor: { nickname: string }) => factor.nickname)).toEqual(['Desk key', 'Travel key']);
    });

    describe('refuses with 401 invalid_mfa, registering nothing', () => {
      let ada: Holder;
      let other: Holder;

      beforeEach(async () => {
        ada = await fresh('ada');
        other = await fresh('eve');
      });

      const refused = async (response: { statusCode: number; json(): { error: string } }) => {
        expect(response.statusCode).toBe(401);
        expect(response.json().error).toBe('invalid_mfa');
        expect(await streamLength(ada)).toBe(0);
        expect((await client.overview(ada)).json().enabled).toBe(false);
      };

      it('a wrong origin', async () => {
        const options = (await client.webauthnOptions(ada)).json();
        const credential = new SoftwareAuthenticator('https://evil.example', RP_ID).register(options);
        await refused(await client.registerWebauthn(ada, credential));
      });

      it('a wrong RP ID', async () => {
        const options = (await client.webauthnOptions(ada)).json();
        const credential = new SoftwareAuthenticator(ORIGIN, RP_ID).register(options, { rpId: 'evil.example' });
        await refused(await client.registerWebauthn(ada, credential));
      });

      it("another account's challenge", async () => {
        const options = (await client.webauthnOptions(other)).json();
        await refused(await client.registerWebauthn(ada, new SoftwareAuthenticator(ORIGIN, RP_ID).register(options)));
      });

      it("another session's challenge of the same account", async () => {
        const otherSession = { ...ada, token: await client.signIn(ada.email) };
        const options = (await client.webauthnOptions(otherSession)).json();
        await refused(await client.registerWebauthn(ada, new SoftwareAuthenticator(ORIGIN, RP_ID).register(options)));
      });

      it('a made-up challenge', async () => {
        const options = (await client.webauthnOptions(ada)).json();
        const forged = Buffer.from(options.challenge, 'base64url');
        forged[0] ^= 0xff;
        const credential = new SoftwareAuthenticator(ORIGIN, RP_ID).register(options, { challenge: forged.toString('base64url') });
        await refused(await client.registerWebauthn(ada, credential));
      });

      it('an expired challenge (5 minutes)', async () => {
        const options = (await client.webauthnOptions(ada)).json();
        clock.advanceSeconds(301);
        await refused(await client.registerWebauthn(ada, new SoftwareAuthenticator(ORIGIN, RP_ID).register(options)));
      });

      it('a challenge already answered (a replayed registration or a second key on it)', async () => {
        const options = (await client.webauthnOptions(ada)).json();
        const credential = new SoftwareAuthenticator(ORIGIN, RP_ID).register(options);
        const first = await client.registerWebauthn(ada, credential);
        expect(first.statusCode).toBe(201);
        codes.push(...first.json().recoveryCodes);
        const before = await streamLength(ada);
        for (const response of [
          await client.registerWebauthn(ada, credential),
          await client.registerWebauthn(ada, new SoftwareAuthenticator(ORIGIN, RP_ID).register(options)),
        ]) {
          expect(response.statusCode).toBe(401);
          expect(response.json().error).toBe('invalid_mfa');
        }
        expect(await streamLength(ada)).toBe(before);
        expect((await client.overview(ada)).json().factors).toHaveLength(1);
      });

      it('a registration ceremony answered as an authentication (wrong type)', async () => {
        const options = (await client.webauthnOptions(ada)).json();
        const assertion = new SoftwareAuthenticator(ORIGIN, RP_ID).authenticate({ challenge: options.challenge, rpId: RP_ID });
        const credential = { ...assertion, response: { ...assertion.response, attestationObject: assertion.response.authenticatorData } };
        await refused(await client.registerWebauthn(ada, credential));
      });
    });

    it.each([
      ['not an object', 'credential'],
      ['without parts', { id: 'abc', rawId: 'abc', type: 'public-key', response: {} }],
      ['of another type', { id: 'abc', rawId: 'abc', type: 'password', response: { clientDataJSON: 'e30', attestationObject: 'oA' } }],
      [
        'with non-base64url parts',
        { id: 'a b', rawId: 'abc', type: 'public-key', response: { clientDataJSON: '{}', attestationObject: 'oA' } },
      ],
    ])('refuses a response %s with 400 invalid_request, writing nothing', async (_what, response) => {
      const ada = await fresh('ada');
      const answer = await client.registerWebauthn(ada, response);
      expect(answer.statusCode).toBe(400);
      expect(answer.json().error).toBe('invalid_request');
      expect(await streamLength(ada)).toBe(0);
    });

    it('refuses a missing or blank nickname with 400', async () => {
      const ada = await fresh('ada');
      const options = (await client.webauthnOptions(ada)).json();
      const credential = new SoftwareAuthenticator(ORIGIN, RP_ID).register(options);
      expect(
        (await app.inject({ method: 'POST', url: '/v1/me/mfa/webauthn', token: ada.token, payload: { response: credential } })).statusCode,
      ).toBe(400);
      expect((await client.registerWebauthn(ada, credential, '  ')).statusCode).toBe(400);
      expect(await streamLength(ada)).toBe(0);
    });
  });

  it('needs an access token on every route', async () => {
    for (const [method, url] of [
      ['GET', '/v1/me/mfa'],
      ['POST', '/v1/me/mfa/totp'],
      ['POST', `/v1/me/mfa/totp/${randomUUID()}/verify`],
      ['POST', '/v1/me/mfa/webauthn/options'],
      ['POST', '/v1/me/mfa/webauthn'],
      ['DELETE', `/v1/me/mfa/${randomUUID()}`],
      ['POST', '/v1/me/mfa/recovery-codes'],
    ] as const) {
      const response = await app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toBe('unauthorized');
    }
  });

  it('never lets a TOTP secret or a recovery code reach an event, a read model, a job payload or a log line', async () => {
    await app.settle();
    expect(secrets.length).toBeGreaterThan(5);
    expect(codes.length).toBeGreaterThan(30);
    const events = await app.runtime.eventStore.readAll();
    const tables = await app.runtime.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    const rows: unknown[] = [];
    for (const { table_name } of tables.rows) rows.push(...(await app.runtime.db.query(`SELECT * FROM "${table_name}"`)).rows);
    expect(rows.length).toBeGreaterThan(0);
    const haystack = JSON.stringify([events, rows, queue.payloads, logLines], (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    expect(haystack).toContain('mfa.totp_enrolment_started');
    for (const secret of secrets) expect(haystack).not.toContain(secret);
    for (const code of codes) {
      expect(haystack).not.toContain(code);
      expect(haystack).not.toContain(code.replace(/-/g, ''));
    }
  });
});
