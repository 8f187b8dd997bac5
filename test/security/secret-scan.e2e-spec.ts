import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient, STRONG_PASSWORD } from '../e2e/auth/accounts-client';
import { codeFor } from '../e2e/mfa/reference-totp';

const text = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));

// Runs the flows that handle secrets, then scans every stored event, every row of every table (the event
// log, read models, job and outbox tables alike) and every log line for the secrets themselves.
describe('no secret is stored or logged', () => {
  let app: TestApp;
  const logLines: string[] = [];
  const secrets: Record<string, string> = {};
  let keyPrefix = '';

  beforeAll(async () => {
    app = await createTestApp({ logLines });
    const client = accountsClient(app);
    const email = 'scan@example.com';
    await client.register(email);
    secrets.password = STRONG_PASSWORD;
    secrets.verificationToken = await client.verificationToken(email);
    await client.verifyEmail(email);
    const tokens = await client.signIn(email);
    secrets.accessToken = tokens.accessToken;
    secrets.refreshToken = tokens.refreshToken;
    const refreshed = await client.refresh(tokens.refreshToken);
    secrets.rotatedRefreshToken = refreshed.json<{ refreshToken: string }>().refreshToken;
    const key = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      token: secrets.accessToken,
      payload: { name: 'scan', scopes: ['chat'] },
    });
    expect(key.statusCode).toBe(201);
    secrets.apiKey = key.json<{ key: string }>().key;
    keyPrefix = key.json<{ prefix: string }>().prefix;
    expect((await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } })).statusCode).toBe(202);
    await app.settle();
    const resetMail = app.mailer.to(email).find((mail) => /reset/i.test(mail.text ?? ''));
    const reset = /token=([^\s"<&]+)/.exec(resetMail?.text ?? '');
    expect(reset).not.toBeNull();
    secrets.resetToken = decodeURIComponent(reset![1]);
    await client.login(email, 'Wrong-Password-123!');

    const rotated = await app.inject({
      method: 'POST',
      url: `/v1/api-keys/${key.json<{ id: string }>().id}/rotate`,
      token: secrets.accessToken,
      payload: { gracePeriodSeconds: 0 },
    });
    expect(rotated.statusCode).toBe(201);
    secrets.rotatedApiKey = rotated.json<{ key: string }>().key;

    // A second factor: the TOTP secret, its recovery codes, the mfaToken of the challenge and a code typed.
    const enrolled = await app.inject({ method: 'POST', url: '/v1/me/mfa/totp', token: secrets.accessToken, payload: {} });
    expect(enrolled.statusCode).toBe(201);
    const { factorId, secret } = enrolled.json<{ factorId: string; secret: string }>();
    secrets.totpSecret = secret;
    const confirmed = await app.inject({
      method: 'POST',
      url: `/v1/me/mfa/totp/${factorId}/verify`,
      token: secrets.accessToken,
      payload: { code: codeFor(secret, new Date()) },
    });
    expect(confirmed.statusCode).toBe(200);
    confirmed.json<{ recoveryCodes: string[] }>().recoveryCodes.forEach((code, i) => (secrets[`recoveryCode${i}`] = code));
    const challenge = (await client.login(email)).json<{ mfaToken: string }>();
    secrets.mfaToken = challenge.mfaToken;
    const second = await app.inject({
      method: 'POST',
      url: '/v1/auth/mfa',
      payload: { mfaToken: challenge.mfaToken, recoveryCode: secrets.recoveryCode0 },
    });
    expect(second.statusCode).toBe(200);
    secrets.mfaAccessToken = second.json<{ accessToken: string }>().accessToken;

    // A card: the processor's token is kept by the processor's side only; a full card number is refused.
    secrets.processorToken = 'tok_scan_4f9c2e7a1b3d5f60';
    const card = { type: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2031, token: secrets.processorToken };
    const added = await app.inject({ method: 'POST', url: '/v1/billing/payment-methods', token: secrets.accessToken, payload: card });
    expect(added.statusCode).toBe(201);
    secrets.cardNumber = '4242424242424242';
    const refused = await app.inject({
      method: 'POST',
      url: '/v1/billing/payment-methods',
      token: secrets.accessToken,
      payload: { ...card, token: `tok_${secrets.cardNumber}` },
    });
    expect(refused.statusCode).toBe(400);
    await app.settle();
  }, 180_000);

  afterAll(() => app?.close());

  it('finds no secret in any event, table row or log line', async () => {
    const events = text(await app.runtime.eventStore.readAll());
    const tables = await app.runtime.db.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.rows.length).toBeGreaterThan(3);
    const rows: string[] = [];
    for (const { table_schema, table_name } of tables.rows) {
      const result = await app.runtime.db.query(`SELECT * FROM "${table_schema}"."${table_name}"`);
      rows.push(text(result.rows));
    }
    expect(logLines.length).toBeGreaterThan(0);
    const places = { events, tables: rows.join('\n'), logs: logLines.join('\n') };
    // The control: the scan does read what was stored (the key's public prefix is kept).
    expect(places.events + places.tables).toContain(keyPrefix);
    const found: string[] = [];
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length).toBeGreaterThan(8);
      for (const [place, content] of Object.entries(places)) if (content.includes(secret)) found.push(`${name} in ${place}`);
    }
    expect(found).toEqual([]);
  });
});
