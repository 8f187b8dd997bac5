import { workerSchedules } from '@app/core';
import { ManualClock } from '@app/ddd';
import { identityContext } from '@app/identity';
import { createTestApp, TestApp, TEST_SERVICE_TOKEN } from '@app/test-app';
import { PDFParse } from 'pdf-parse';
import { PASSWORD, staffMember } from '../api-keys/api-keys.helpers';

const EMAIL = 'Leaving.Holder@Example.com';
const NORMALISED = EMAIL.toLowerCase();
const IP = '203.0.113.77';
const USER_AGENT = 'LeavingProbe/3.2 (close, reopen, erase)';
const GRACE_SECONDS = 3_600;

interface Invoice {
  id: string;
  number: string;
  totalMicros: number;
  issuedAt: string;
  lines: { amountMicros: number }[];
}

/** Issue 21's "done when", through HTTP: close, reopen by signing in, close again, erased by the schedule. */
describe('closing an account, reopening it, closing it again and the scheduled erasure', () => {
  let app: TestApp;
  const clock = new ManualClock('2026-11-20T10:00:00.000Z');
  const logLines: string[] = [];

  beforeAll(async () => {
    app = await createTestApp({
      clock,
      logLines,
      env: { BOOTSTRAP_ADMIN_EMAIL: 'chief@example.com', ERASURE_GRACE_SECONDS: String(GRACE_SECONDS), TRUST_PROXY: 'true' },
    });
    await staffMember(app, 'chief@example.com', ['admin', 'auditor', 'billing', 'support']);
  }, 120_000);
  afterAll(() => app.close());

  const headers = { 'user-agent': USER_AGENT, 'x-forwarded-for': IP };
  const as = (token: string, request: Parameters<TestApp['inject']>[0]) =>
    app.inject({ ...request, token, headers: { ...headers, ...request.headers } });
  const signIn = () => app.inject({ method: 'POST', url: '/v1/auth/login', headers, payload: { email: EMAIL, password: PASSWORD } });
  const staffToken = async () =>
    (await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'chief@example.com', password: PASSWORD } })).json<{
      accessToken: string;
    }>().accessToken;

  async function pdfText(url: string, token: string): Promise<string> {
    const response = await app.started.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    const parser = new PDFParse({ data: new Uint8Array(response.rawPayload) });
    try {
      return (await parser.getText()).text;
    } finally {
      await parser.destroy();
    }
  }

  it('runs the erasure where job workers run, on a schedule like the other sweeps', () => {
    const schedules = identityContext.jobWorkers!.flatMap((worker) => workerSchedules(worker, app.runtime.config));
    expect(schedules).toEqual([expect.objectContaining({ job: expect.objectContaining({ name: 'erase-due-accounts' }) })]);
  });

  it('after erasure every chain verifies, nothing holds the email or the addresses, the invoice keeps its totals, the email registers again', async () => {
    // A holder with a key, usage, an invoice, a dispute answered by staff and a recovery case.
    const registered = await app.inject({ method: 'POST', url: '/v1/accounts', headers, payload: { email: EMAIL, password: PASSWORD } });
    expect(registered.statusCode).toBe(201);
    const accountId = registered.json<{ accountId: string }>().accountId;
    let token = (await signIn()).json<{ accessToken: string }>().accessToken;
    const created = await as(token, { method: 'POST', url: '/v1/api-keys', payload: { name: `Key of ${NORMALISED}`, scopes: ['chat'] } });
    const key = created.json<{ key: string }>().key;
    const usage = await app.inject({
      method: 'POST',
      url: '/v1/usage',
      token: TEST_SERVICE_TOKEN,
      payload: { accountId, service: 'chat', amountMicros: 2_500_000, idempotencyKey: 'u-1', occurredAt: clock.now().toISOString() },
    });
    expect(usage.statusCode).toBe(202);
    clock.set('2026-12-03T00:00:00.000Z');
    await app.settle();
    const closedPeriod = await app.inject({
      method: 'POST',
      url: '/v1/billing/periods/close',
      token: TEST_SERVICE_TOKEN,
      payload: { period: '2026-11' },
    });
    expect(closedPeriod.json()).toEqual({ invoicesIssued: 1 });
    token = (await signIn()).json<{ accessToken: string }>().accessToken;
    const [invoice] = (await as(token, { method: 'GET', url: '/v1/billing/invoices' })).json<{ items: Invoice[] }>().items;
    expect(invoice.totalMicros).toBe(2_500_000);
    expect(await pdfText(`/v1/billing/invoices/${invoice.id}/pdf`, token)).toContain(NORMALISED);
    const dispute = await as(token, {
      method: 'POST',
      url: '/v1/billing/disputes',
      payload: { invoiceNumber: invoice.number, description: `Please write to ${NORMALISED} about this charge` },
    });
    expect(dispute.statusCode).toBe(201);
    const answered = await app.inject({
      method: 'POST',
      url: `/v1/staff/billing/disputes/${dispute.json<{ id: string }>().id}/respond`,
      token: await staffToken(),
      payload: { message: `We wrote to ${NORMALISED} today` },
    });
    expect(answered.statusCode).toBe(204);
    const recovery = await app.inject({
      method: 'POST',
      url: '/v1/support/recovery-cases',
      token: await staffToken(),
      payload: {
        fromEmail: NORMALISED,
        accountEmail: NORMALISED,
        subject: `Account Recovery Request from ${NORMALISED}`,
        body: `I am ${NORMALISED}`,
        lost: 'mfa',
      },
    });
    expect(recovery.statusCode).toBe(201);
    await app.settle();

    // Close; a sign-in within the grace period reopens; close again.
    expect((await as(token, { method: 'DELETE', url: '/v1/me', payload: { password: PASSWORD } })).statusCode).toBe(204);
    const reopening = await signIn();
    expect(reopening.statusCode).toBe(200);
    token = reopening.json<{ accessToken: string }>().accessToken;
    expect((await as(token, { method: 'GET', url: '/v1/me' })).json()).toMatchObject({ accountId, email: NORMALISED });
    expect((await as(token, { method: 'DELETE', url: '/v1/me', payload: { password: PASSWORD } })).statusCode).toBe(204);
    await app.settle();

    // Past the grace period it reads as erased before the schedule runs; then the schedule erases it, once.
    clock.advanceSeconds(GRACE_SECONDS + 1);
    // (From another client: an attempt on an email no account has keeps its address, as for any unknown email.)
    const late = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: EMAIL, password: PASSWORD } });
    expect(late.json()).toMatchObject({ error: 'invalid_credentials' });
    await app.runtime.queue.enqueue('accounts', 'erase-due-accounts', {}, { jobId: 'erasure-spec-1' });
    await app.settle();
    const accountStream = () => app.runtime.eventStore.readStream(`account-${accountId}`);
    const afterFirstRun = await accountStream();
    expect(afterFirstRun.map((event) => event.type)).toEqual([
      'account.registered',
      'account.closed',
      'account.reopened',
      'account.closed',
      'account.erased',
    ]);
    await app.runtime.queue.enqueue('accounts', 'erase-due-accounts', {}, { jobId: 'erasure-spec-2' });
    await app.settle();
    expect(await accountStream()).toHaveLength(afterFirstRun.length);

    // Every chain of the account verifies; the trail says who erased it (the schedule) and when.
    const auditor = await staffToken();
    const verify = await app.inject({ method: 'GET', url: `/v1/audit/accounts/${accountId}/verify`, token: auditor });
    expect(verify.json()).toMatchObject({ intact: true });
    expect(verify.json<{ streams: number }>().streams).toBeGreaterThan(4);
    const exported = await app.inject({ method: 'GET', url: `/v1/audit/accounts/${accountId}/export`, token: auditor });
    const lines = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown>; metadata: { actor: unknown; occurredAt: string } });
    expect(lines.find((line) => line.type === 'account.erased')?.metadata).toMatchObject({
      actor: { kind: 'system' },
      occurredAt: clock.now().toISOString(),
    });
    expect(lines.find((line) => line.type === 'billing.invoice_issued')?.data).toMatchObject({
      number: invoice.number,
      totalMicros: 2_500_000,
    });

    // The invoice keeps its number, amounts and dates, and its PDF no longer names the holder.
    const kept = await app.inject({ method: 'GET', url: `/v1/staff/billing/invoices/${invoice.id}`, token: auditor });
    expect(kept.json()).toMatchObject({ number: invoice.number, totalMicros: 2_500_000, issuedAt: invoice.issuedAt });
    const pdf = await pdfText(`/v1/staff/billing/invoices/${invoice.id}/pdf`, auditor);
    expect(pdf).toContain(invoice.number);
    expect(pdf).toContain('$2.50');
    expect(pdf).not.toContain(NORMALISED);

    // The keys were revoked; no event (stored or read), read-model row or log line holds the email or the addresses.
    expect(
      (await app.inject({ method: 'POST', url: '/v1/keys/verify', token: TEST_SERVICE_TOKEN, payload: { key, endpoint: 'chat' } }))
        .statusCode,
    ).toBe(401);
    const everything: string[] = [
      exported.body,
      ...logLines,
      JSON.stringify(await app.runtime.eventStore.readAll(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    ];
    const { rows: tables } = await app.runtime.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    expect(tables.map((table) => table.table_name)).toEqual(
      expect.arrayContaining(['event_store_events', 'billing_disputes', 'account_sessions']),
    );
    for (const { table_name } of tables) {
      const { rows } = await app.runtime.db.query(`SELECT * FROM "${table_name}"`);
      everything.push(
        `${table_name}: ${JSON.stringify(rows, (_k, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`,
      );
    }
    // The control: the staff member's own address is still there (the scan reads what it should).
    expect(everything.some((text) => text.includes('chief@example.com'))).toBe(true);
    for (const secret of [NORMALISED, EMAIL, IP, USER_AGENT]) {
      expect({ secret, found: everything.filter((text) => text.includes(secret)).map((text) => text.slice(0, 120)) }).toEqual({
        secret,
        found: [],
      });
    }

    // The address registers a new account.
    const again = await app.inject({ method: 'POST', url: '/v1/accounts', payload: { email: EMAIL, password: PASSWORD } });
    expect(again.statusCode).toBe(201);
    expect(again.json<{ accountId: string }>().accountId).not.toBe(accountId);
  });
});
