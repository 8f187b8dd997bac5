import { CLOSE_PREVIOUS_PERIOD_JOB, INVOICING_QUEUE, periodCloseSchedule } from '@app/billing';
import { ManualClock } from '@app/ddd';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { PDFParse } from 'pdf-parse';
import { billingActors, card, ADMIN_EMAIL } from './invoicing.helpers';

describe('closing a period: invoices, their PDF, payments and credits', () => {
  let app: TestApp;
  let actors: Awaited<ReturnType<typeof billingActors>>;
  const clock = new ManualClock('2026-11-20T10:00:00.000Z');
  let alice: { accountId: string; token: string };
  let bob: { accountId: string; token: string };

  beforeAll(async () => {
    app = await createTestApp({ clock, env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, SUPPORT_EMAIL: 'billing-help@example.com' } });
    actors = await billingActors(app);
    alice = await actors.holder('alice@example.com');
    bob = await actors.holder('bob@example.com');
  }, 120_000);
  afterAll(() => app.close());

  const usage = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/usage', token: TEST_SERVICE_TOKEN, payload });
  const record = (accountId: string, service: string, amountMicros: number, key: string) => ({
    accountId,
    service,
    amountMicros,
    idempotencyKey: key,
    occurredAt: clock.now().toISOString(),
  });
  const close = (period: string, token = TEST_SERVICE_TOKEN) =>
    app.inject({ method: 'POST', url: '/v1/billing/periods/close', token, payload: { period } });
  const signIn = async (email: string) => (await actors.client.signIn(email)).accessToken;
  const invoicesOf = async (email: string) =>
    (await app.inject({ method: 'GET', url: '/v1/billing/invoices', token: await signIn(email) })).json();

  async function pdfText(email: string, invoiceId: string): Promise<string> {
    const response = await app.started.app.inject({
      method: 'GET',
      url: `/v1/billing/invoices/${invoiceId}/pdf`,
      headers: { authorization: `Bearer ${await signIn(email)}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const parser = new PDFParse({ data: new Uint8Array(response.rawPayload) });
    try {
      return (await parser.getText()).text;
    } finally {
      await parser.destroy();
    }
  }

  it('refuses to close the current or a future month (409 period_open), and answers only the platform backend', async () => {
    expect((await close('2026-11')).json()).toMatchObject({ error: 'period_open' });
    expect((await close('2027-01')).statusCode).toBe(409);
    expect((await close('2026-13')).statusCode).toBe(400);
    expect((await close('2026-10', alice.token)).json().error).toBe('invalid_service_token');
  });

  it('issues one invoice per account with usage: gap-free numbers, lines per service, total, dates and terms; closing twice issues nothing', async () => {
    expect(
      (
        await usage({
          records: [
            record(alice.accountId, 'chat', 1_000_000, 'a-1'),
            record(alice.accountId, 'chat', 500_000, 'a-2'),
            record(alice.accountId, 'models', 250_000, 'a-3'),
            record(alice.accountId, 'video', 2_000_000, 'a-4'),
            record(bob.accountId, 'video', 123_456, 'b-1'),
          ],
        })
      ).json(),
    ).toMatchObject({ accepted: 5, duplicates: 0 });
    await app.inject({ method: 'POST', url: '/v1/billing/payment-methods', token: alice.token, payload: card() });

    clock.set('2026-12-03T00:00:00.000Z');
    await app.settle();
    const closed = await close('2026-11');
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toEqual({ invoicesIssued: 2 });
    expect((await close('2026-11')).json()).toEqual({ invoicesIssued: 0 });

    // Usage for the closed period is refused.
    const late = await usage({ ...record(alice.accountId, 'chat', 1, 'a-late'), occurredAt: '2026-11-30T23:59:00.000Z' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toBe('period_closed');

    const [invoice] = (await invoicesOf('alice@example.com')).items;
    expect(invoice).toEqual({
      id: `2026-11-${alice.accountId}`,
      number: expect.stringMatching(/^INV-2026-00000[12]$/),
      period: '2026-11',
      issuedAt: '2026-12-03T00:00:00.000Z',
      dueAt: '2026-12-06T00:00:00.000Z',
      status: 'open',
      paymentTerms: 'upfront',
      totalMicros: 3_750_000,
      lines: [
        { kind: 'usage', service: 'chat', description: 'Chat usage, November 2026', amountMicros: 1_500_000 },
        { kind: 'usage', service: 'video', description: 'Video usage, November 2026', amountMicros: 2_000_000 },
        { kind: 'usage', service: 'models', description: 'Models usage, November 2026', amountMicros: 250_000 },
      ],
    });
    const bobs = (await invoicesOf('bob@example.com')).items;
    expect([invoice.number, bobs[0].number].sort()).toEqual(['INV-2026-000001', 'INV-2026-000002']);

    const text = await pdfText('alice@example.com', invoice.id);
    for (const expected of [
      'MiniMax',
      invoice.number,
      'alice@example.com',
      'November 2026 (2026-11)',
      '2026-12-03',
      '2026-12-06',
      'Chat usage, November 2026',
      '$1.50',
      'Video usage, November 2026',
      '$2.00',
      'Models usage, November 2026',
      '$0.25',
      '$3.75',
      'Upfront',
      'billing-help@example.com',
    ]) {
      expect(text).toContain(expected);
    }
    expect(
      (await app.inject({ method: 'GET', url: `/v1/billing/invoices/${invoice.id}/pdf`, token: await signIn('bob@example.com') }))
        .statusCode,
    ).toBe(404);
  });

  it('keeps the last payment method of an account with an unpaid invoice; a recorded payment makes the invoice paid', async () => {
    const token = await signIn('alice@example.com');
    const [method] = (await app.inject({ method: 'GET', url: '/v1/billing/payment-methods', token })).json().items;
    const refused = await app.inject({ method: 'DELETE', url: `/v1/billing/payment-methods/${method.id}`, token });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe('payment_method_required');

    const [invoice] = (await invoicesOf('alice@example.com')).items;
    const pay = (payload: unknown, auth = TEST_SERVICE_TOKEN) =>
      app.inject({ method: 'POST', url: `/v1/billing/invoices/${invoice.id}/payments`, token: auth, payload });
    const payment = { amountMicros: 3_750_000, paidAt: '2026-12-03T00:00:00.000Z', reference: 'ch_3QxYz' };
    expect((await pay(payment, token)).statusCode).toBe(401);
    expect((await pay({ ...payment, amountMicros: -5 })).statusCode).toBe(400);
    expect((await pay(payment)).statusCode).toBe(204);
    expect((await pay(payment)).statusCode).toBe(204);
    const events = await app.runtime.eventStore.readStream(`billing_invoices-${alice.accountId}`);
    expect(events.filter((e) => e.type === 'billing.invoice_payment_recorded')).toHaveLength(1);
    expect((await invoicesOf('alice@example.com')).items[0].status).toBe('paid');
    expect((await app.inject({ method: 'DELETE', url: `/v1/billing/payment-methods/${method.id}`, token })).statusCode).toBe(204);

    // Bob's, unpaid, is overdue after its due date: decided when read.
    clock.set('2026-12-06T00:00:01.000Z');
    expect((await invoicesOf('bob@example.com')).items[0].status).toBe('overdue');
  });

  it("shows a dispute's credit as a negative line on the next invoice", async () => {
    clock.set('2026-12-07T09:00:00.000Z');
    const token = await signIn('bob@example.com');
    const [previous] = (await invoicesOf('bob@example.com')).items;
    const { id } = (
      await app.inject({
        method: 'POST',
        url: '/v1/billing/disputes',
        token,
        payload: { invoiceNumber: previous.number, description: 'Video ran twice' },
      })
    ).json();
    const resolved = await app.inject({
      method: 'POST',
      url: `/v1/staff/billing/disputes/${id}/resolve`,
      token: await actors.staffToken(),
      payload: { outcome: 'upheld', creditMicros: 100_000 },
    });
    expect(resolved.statusCode).toBe(204);
    expect((await usage(record(bob.accountId, 'chat', 400_000, 'b-dec'))).json().accepted).toBe(1);

    clock.set('2027-01-03T00:00:00.000Z');
    await app.settle();
    expect((await close('2026-12')).json()).toEqual({ invoicesIssued: 1 });
    const [december] = (await invoicesOf('bob@example.com')).items;
    expect(december).toMatchObject({
      number: 'INV-2027-000001',
      period: '2026-12',
      totalMicros: 300_000,
      lines: [
        { kind: 'usage', service: 'chat', description: 'Chat usage, December 2026', amountMicros: 400_000 },
        { kind: 'credit', description: `Credit for the dispute about ${previous.number}`, amountMicros: -100_000 },
      ],
    });
    const text = await pdfText('bob@example.com', december.id);
    expect(text).toContain('INV-2027-000001');
    expect(text).toContain('-$0.10');
    expect(text).toContain('$0.30');
  });

  it('closes the previous month from the scheduled job on BILLING_CLOSE_DAY (default 3)', async () => {
    expect(periodCloseSchedule(app.runtime.config.billingCloseDay).schedule).toEqual({ cron: '0 0 3 * *' });
    clock.set('2027-01-20T12:00:00.000Z');
    expect((await usage(record(alice.accountId, 'models', 700_000, 'a-jan'))).json().accepted).toBe(1);
    clock.set('2027-02-03T00:00:00.000Z');
    await app.settle();
    await app.runtime.queue.enqueue(INVOICING_QUEUE, CLOSE_PREVIOUS_PERIOD_JOB, {}, { jobId: 'billing-period-close/2027-02-03' });
    await app.settle();
    const [january] = (await invoicesOf('alice@example.com')).items;
    expect(january).toMatchObject({
      number: 'INV-2027-000002',
      period: '2027-01',
      totalMicros: 700_000,
      dueAt: '2027-02-06T00:00:00.000Z',
    });
    expect((await close('2027-01')).json()).toEqual({ invoicesIssued: 0 });
  });
});
