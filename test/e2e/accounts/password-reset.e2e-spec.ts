import { ManualClock } from '@app/ddd';
import { EnqueueOptions, InProcessJobQueue } from '@app/messaging';
import { createTestApp, InjectResponse, TestApp } from '@app/test-app';
import { accountsClient, STRONG_PASSWORD, Tokens } from '../auth/accounts-client';
import { Browser } from '../social-sign-in/browser';
import { LoopbackOidcProvider, startLoopbackOidcProvider } from '../social-sign-in/loopback-oidc-provider';

const PUBLIC_URL = 'http://localhost:3000';
const NEW_PASSWORD = 'Rj4$wTn8@qGz2x';
const LINK = /^http:\/\/localhost:3000\/reset-password\?token=([A-Za-z0-9_-]+)$/m;

/** JSON of what a store or a table returns (positions are bigint). */
const asJson = (value: unknown) => JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? item.toString() : item));

/** The in-process queue, keeping a copy of every job payload it is given (to prove none holds a token). */
class PayloadKeepingQueue extends InProcessJobQueue {
  readonly enqueued: Array<{ queue: string; name: string; payload: unknown }> = [];

  override async enqueue<P>(queueName: string, jobName: string, payload: P, options: EnqueueOptions): Promise<void> {
    this.enqueued.push({ queue: queueName, name: jobName, payload: JSON.parse(JSON.stringify(payload)) });
    return super.enqueue(queueName, jobName, payload, options);
  }
}

describe('password reset (POST /v1/auth/password-reset, /confirm)', () => {
  const clock = new ManualClock(new Date());
  const queue = new PayloadKeepingQueue();
  const logLines: string[] = [];
  /** Every token mailed in this suite, for the final scan. */
  const tokensSeen: string[] = [];
  let provider: LoopbackOidcProvider;
  let app: TestApp;
  let client: ReturnType<typeof accountsClient>;

  beforeAll(async () => {
    provider = await startLoopbackOidcProvider({
      redirectUris: [`${PUBLIC_URL}/v1/auth/oidc/google/callback`, `${PUBLIC_URL}/v1/me/identities/google/callback`],
    });
    app = await createTestApp({
      clock,
      queue,
      logLines,
      env: {
        PUBLIC_URL,
        SUPPORT_EMAIL: 'help-desk@minimax.gr.com',
        BOOTSTRAP_ADMIN_EMAIL: 'boss@example.com',
        OIDC_PROVIDERS: JSON.stringify([
          { name: 'google', issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret },
        ]),
      },
    });
    client = accountsClient(app);
    // The bootstrap admin (once verified) grants itself `support`, to suspend and reinstate accounts.
    const bossId = await client.register('boss@example.com');
    await client.verifyEmail('boss@example.com');
    const admin = await client.signIn('boss@example.com');
    const granted = await app.inject({
      method: 'PUT',
      url: `/v1/admin/accounts/${bossId}/roles`,
      payload: { roles: ['support'] },
      token: admin.accessToken,
    });
    expect(granted.statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  const requestReset = (email: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email }, headers });
  const confirm = (token: string, newPassword = NEW_PASSWORD, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload: { token, newPassword }, headers });
  const mailsTo = async (email: string) => {
    await app.settle();
    return app.mailer.to(email);
  };
  /** The token of the newest reset link mailed to `email`. */
  const resetToken = async (email: string): Promise<string> => {
    const mail = (await mailsTo(email)).at(-1);
    const match = LINK.exec(mail?.text ?? '');
    if (!match) throw new Error(`no reset link mailed to ${email}`);
    tokensSeen.push(match[1]);
    return match[1];
  };
  const accountEvents = (accountId: string) => app.runtime.eventStore.readStream(`account-${accountId}`);
  /** Support suspends or reinstates (signing in each time: the manual clock outruns access tokens). */
  const setStatus = async (accountId: string, action: 'suspend' | 'reinstate') => {
    const support = await client.signIn('boss@example.com');
    const payload = action === 'suspend' ? { reason: 'chargebacks' } : {};
    const response = await app.inject({
      method: 'POST',
      url: `/v1/support/accounts/${accountId}/${action}`,
      payload,
      token: support.accessToken,
    });
    expect(response.statusCode).toBe(204);
  };
  const expectInvalidToken = (response: InjectResponse) => {
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_token', message: 'The link is not valid' });
  };

  it('tells an account without a password which provider to use, with no link', async () => {
    provider.users.set('sam-sub', { email: 'sam@example.com', email_verified: true });
    const signedIn = await new Browser(app).signIn({ as: 'sam-sub' }, 'google');
    expect(signedIn.statusCode).toBe(200);

    expect((await requestReset('sam@example.com')).statusCode).toBe(202);
    const [mail] = await mailsTo('sam@example.com');
    expect(mail.subject).toBe('Signing in to your MiniMax account');
    expect(mail.text).toContain('Use the Google button on the MiniMax sign-in page.');
    for (const part of [mail.text, mail.html ?? '']) {
      expect(part).not.toMatch(/reset-password|token=|https?:\/\//);
    }
  });

  it('answers 202 {} for a known and an unknown email alike, and mails only the known one', async () => {
    await client.register('ada@example.com');
    const known = await requestReset('Ada@Example.com ');
    const unknown = await requestReset('nobody-has-this@example.com');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe('{}');
    expect(unknown.body).toBe(known.body);
    // Only what differs between any two requests may differ: the request id, the rate-limit countdown, the second of `date`.
    const comparable = (headers: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(headers).filter(
          ([name]) => !['x-request-id', 'date', 'x-ratelimit-reset'].includes(name) && !name.startsWith('x-ratelimit-remaining'),
        ),
      );
    expect(comparable(unknown.headers)).toEqual(comparable(known.headers));

    const [mail] = (await mailsTo('ada@example.com')).filter((sent) => sent.subject !== 'Verify your email address');
    expect(mail.subject).toBe('Reset your MiniMax password');
    expect(mail.text).toMatch(LINK);
    expect(mail.text).toContain('The link works once, for 15 minutes.');
    expect(mail.html).toContain(`href="${LINK.exec(mail.text)![0]}"`);
    tokensSeen.push(LINK.exec(mail.text)![1]);
    expect(await mailsTo('nobody-has-this@example.com')).toEqual([]);
  });

  it('records a request with where it came from: in the account stream when known, in a per-email stream (never an account stream) when not', async () => {
    const accountId = await client.register('audited@example.com');
    const headers = { 'user-agent': 'support-can-read-this/1.0' };
    await requestReset('audited@example.com', headers);
    await requestReset('ghost@example.com', headers);
    await app.settle();

    const requested = (await accountEvents(accountId)).filter((event) => event.type === 'account.password_reset_requested');
    expect(requested).toEqual([
      expect.objectContaining({
        data: { requestId: expect.any(String), expiresAt: new Date(clock.now().getTime() + 900_000).toISOString() },
        metadata: expect.objectContaining({
          accountId,
          ip: '127.0.0.1',
          userAgent: 'support-can-read-this/1.0',
          occurredAt: clock.now().toISOString(),
        }),
      }),
    ]);
    const all = await app.runtime.eventStore.readAll();
    const unknownRequests = all.filter((event) => event.type === 'password_reset.unknown_email_requested');
    expect(unknownRequests.length).toBeGreaterThanOrEqual(1);
    for (const event of unknownRequests) {
      expect(event.stream).toMatch(/^password_reset_email-[0-9a-f]{64}$/);
      expect(event.metadata.accountId).toBeUndefined();
    }
    expect(unknownRequests.at(-1)!.metadata).toMatchObject({ ip: '127.0.0.1', userAgent: 'support-can-read-this/1.0' });
    expect(asJson(all)).not.toContain('ghost@example.com');
  });

  it('sends nothing for a suspended account, and answers the same', async () => {
    const accountId = await client.register('suspended@example.com');
    await setStatus(accountId, 'suspend');
    const response = await requestReset('suspended@example.com');
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe('{}');
    expect(await mailsTo('suspended@example.com')).toHaveLength(1); // the verification mail of registration only
    expect((await mailsTo('suspended@example.com'))[0].subject).toBe('Verify your email address');
  });

  it('sets the new password with the link, once; the old password stops working', async () => {
    const accountId = await client.register('once@example.com');
    await requestReset('once@example.com');
    const token = await resetToken('once@example.com');

    const done = await confirm(token, NEW_PASSWORD, { 'user-agent': 'reset-browser/2.0' });
    expect(done.statusCode).toBe(204);
    expect(done.body).toBe('');
    expect((await client.login('once@example.com', NEW_PASSWORD)).statusCode).toBe(200);
    expect((await client.login('once@example.com', STRONG_PASSWORD)).statusCode).toBe(401);
    expectInvalidToken(await confirm(token, 'Another-Strong#Pw9x'));

    const events = await accountEvents(accountId);
    const completion = events.find((event) => event.type === 'account.password_reset_completed')!;
    expect(completion.metadata).toMatchObject({
      actor: { kind: 'account', id: accountId },
      ip: '127.0.0.1',
      userAgent: 'reset-browser/2.0',
    });
    const changed = events.find((event) => event.type === 'account.password_changed')!;
    expect(changed.data).toEqual({ passwordHashSealed: expect.any(String), via: 'reset' });
    expect(changed.revision).toBe(completion.revision + 1);
    expect(asJson(events)).not.toContain(NEW_PASSWORD);
  });

  it('expires the link PASSWORD_RESET_TTL_SECONDS (15 minutes) after the request', async () => {
    await client.register('slow@example.com');
    await client.register('quick-enough@example.com');
    await requestReset('slow@example.com');
    await requestReset('quick-enough@example.com');
    const slow = await resetToken('slow@example.com');
    const quick = await resetToken('quick-enough@example.com');
    clock.advanceSeconds(899);
    expect((await confirm(quick)).statusCode).toBe(204);
    clock.advanceSeconds(1);
    expectInvalidToken(await confirm(slow));
  });

  it("refuses a weak password with the policy's violations (as registration does), and the same link works after", async () => {
    await client.register('weak@example.com');
    await requestReset('weak@example.com');
    const token = await resetToken('weak@example.com');
    const weak = await confirm(token, 'weakling');
    expect(weak.statusCode).toBe(400);
    const registration = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: 'weak@example.com', password: 'weakling' },
    });
    expect(weak.json()).toEqual(registration.json());
    expect(weak.json()).toMatchObject({ error: 'weak_password', violations: expect.arrayContaining(['too_short', 'contains_email']) });
    expect((await confirm(token)).statusCode).toBe(204);
  });

  it('voids an older link when a newer one is requested', async () => {
    await client.register('twice@example.com');
    await requestReset('twice@example.com');
    const older = await resetToken('twice@example.com');
    await requestReset('twice@example.com');
    const newer = await resetToken('twice@example.com');
    expect(newer).not.toBe(older);
    expectInvalidToken(await confirm(older));
    expect((await confirm(newer)).statusCode).toBe(204);
  });

  it('answers malformed, unknown, tampered, extended and used tokens with the one invalid_token body (expired and superseded: above, same body)', async () => {
    await client.register('tamper@example.com');
    await requestReset('tamper@example.com');
    const token = await resetToken('tamper@example.com');
    const bytes = Buffer.from(token, 'base64url');
    bytes[bytes.length - 1] ^= 1;
    const tampered = bytes.toString('base64url');
    const otherAccount = Buffer.concat([Buffer.from(`${crypto.randomUUID()}.${crypto.randomUUID()}`), Buffer.alloc(32)]).toString(
      'base64url',
    );
    const bodies = new Set<string>();
    for (const bad of ['garbage', 'a.b.c', tampered, otherAccount, `${token}A`]) {
      const response = await confirm(bad);
      expectInvalidToken(response);
      bodies.add(response.body);
    }
    expect(bodies.size).toBe(1);
    expect((await confirm(token)).statusCode).toBe(204);
    bodies.add((await confirm(token)).body);
    expect(bodies.size).toBe(1);
  });

  it('ends every session of the account: access and refresh tokens from before are refused', async () => {
    await client.register('sessions@example.com');
    const laptop = await client.signIn('sessions@example.com');
    const phone = await client.signIn('sessions@example.com');
    expect((await client.me(laptop.accessToken)).statusCode).toBe(200);
    await requestReset('sessions@example.com');
    expect((await confirm(await resetToken('sessions@example.com'))).statusCode).toBe(204);
    for (const tokens of [laptop, phone] as Tokens[]) {
      expect((await client.me(tokens.accessToken)).statusCode).toBe(401);
      expect((await client.refresh(tokens.refreshToken)).statusCode).toBe(401);
    }
    const fresh = await client.signIn('sessions@example.com', NEW_PASSWORD);
    expect((await client.me(fresh.accessToken)).statusCode).toBe(200);
  });

  it('clears the sign-in lockout of the email: the new password signs in at once', async () => {
    await client.register('locked-out@example.com');
    for (let attempt = 1; attempt <= 5; attempt++) await client.login('locked-out@example.com', `Wrong-Password-${attempt}`);
    expect((await client.login('locked-out@example.com')).statusCode).toBe(423);
    await requestReset('locked-out@example.com');
    expect((await confirm(await resetToken('locked-out@example.com'))).statusCode).toBe(204);
    expect((await client.login('locked-out@example.com', NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses an otherwise valid link while the account is suspended (403, naming support), without using it up', async () => {
    const accountId = await client.register('suspended-later@example.com');
    await requestReset('suspended-later@example.com');
    const token = await resetToken('suspended-later@example.com');
    await setStatus(accountId, 'suspend');
    const refused = await confirm(token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: 'account_suspended', message: expect.stringContaining('help-desk@minimax.gr.com') });
    await setStatus(accountId, 'reinstate');
    expect((await confirm(token)).statusCode).toBe(204);
  });

  it('answers bad input with 400 invalid_request and details, writing nothing', async () => {
    await app.settle();
    const head = await app.runtime.eventStore.headPosition();
    for (const payload of [{}, { email: 'not-an-email' }, { email: 42 }, { email: 'ada@example.com', extra: true }]) {
      const response = await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        error: 'invalid_request',
        details: expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]),
      });
    }
    for (const payload of [{}, { token: 'x' }, { token: 'x', newPassword: 7 }]) {
      const response = await app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_request');
    }
    await app.settle();
    expect(await app.runtime.eventStore.headPosition()).toBe(head);
  });

  it('keeps every token out of events, tables (read models included), job payloads and log lines', async () => {
    await app.settle();
    expect(tokensSeen.length).toBeGreaterThanOrEqual(8);
    const resetJobs = queue.enqueued.filter((job) => job.name === 'send-password-reset-email');
    expect(resetJobs.length).toBeGreaterThanOrEqual(8);
    for (const job of resetJobs) expect(Object.keys(job.payload as object).sort()).toEqual(['accountId', 'requestId', 'requestedEventId']);

    const events = asJson(await app.runtime.eventStore.readAll());
    const tables = await app.runtime.db.query<{ table_name: string }>(
      `SELECT table_schema || '.' || table_name AS table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
    );
    expect(tables.rows.length).toBeGreaterThan(3);
    let rows = '';
    for (const { table_name } of tables.rows) {
      const result = await app.runtime.db.query(`SELECT * FROM ${table_name}`);
      rows += asJson(result.rows);
    }
    const payloads = JSON.stringify(queue.enqueued);
    const logs = logLines.join('\n');
    expect(logs).toContain('/v1/auth/password-reset/confirm'); // the request lines are there, to be scanned
    for (const token of tokensSeen) {
      const mac = Buffer.from(token, 'base64url').subarray(-32);
      for (const secret of [token, mac.toString('base64url'), mac.toString('hex'), mac.toString('base64')]) {
        for (const [where, text] of [
          ['events', events],
          ['tables', rows],
          ['job payloads', payloads],
          ['logs', logs],
        ]) {
          expect({ where, found: text.includes(secret) }).toEqual({ where, found: false });
        }
      }
    }
  });
});

describe('password reset requests: rate limit and timing', () => {
  it('limits requests per client address like sign-in (RATE_LIMIT_PER_MINUTE)', async () => {
    const app = await createTestApp({ readSide: false, env: { RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: 'on' } });
    try {
      const from = (address: string) => ({ 'x-forwarded-for': address });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (
            await app.inject({
              method: 'POST',
              url: '/v1/auth/password-reset',
              payload: { email: `x${i}@example.com` },
              headers: from('198.51.100.7'),
            })
          ).statusCode,
        );
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/v1/auth/password-reset',
            payload: { email: 'y@example.com' },
            headers: from('198.51.100.8'),
          })
        ).statusCode,
      ).toBe(202);
    } finally {
      await app.close();
    }
  });

  it('does the same work for a known and an unknown email: one append each (times printed, not compared)', async () => {
    // Without the read side in this process, as in production where the worker runs it.
    const app = await createTestApp({ readSide: false });
    const client = accountsClient(app);
    try {
      const emails = Array.from({ length: 5 }, (_, i) => `timing-${i}@example.com`);
      for (const email of emails) await client.register(email);
      const request = (email: string) => app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } });
      const timed = async (email: string) => {
        const before = await app.runtime.eventStore.headPosition();
        const started = process.hrtime.bigint();
        const response = await request(email);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        expect(response.statusCode).toBe(202);
        expect(response.body).toBe('{}');
        expect(await app.runtime.eventStore.headPosition()).toBe(before + 1n);
        return ms;
      };
      for (let i = 0; i < 5; i++) await request(i % 2 ? emails[0] : `warm-up-${i}@example.com`);
      const known: number[] = [];
      const unknown: number[] = [];
      for (let round = 0; round < 6; round++) {
        for (const email of emails) {
          known.push(await timed(email));
          unknown.push(await timed(`timing-unknown-${round}-${email}`));
        }
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
      process.stdout.write(
        `password reset request, in-process PGlite: known email median ${median(known).toFixed(2)} ms (p90 ${p90(known).toFixed(2)}), ` +
          `unknown email median ${median(unknown).toFixed(2)} ms (p90 ${p90(unknown).toFixed(2)}), ${known.length} each\n`,
      );
    } finally {
      await app.close();
    }
  });
});
