import { ManualClock } from '@app/ddd';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { ach, billingActors, card, ADMIN_EMAIL } from './invoicing.helpers';

describe('invoice billing on net-30 and ACH: enterprise only, set by billing staff', () => {
  let app: TestApp;
  let actors: Awaited<ReturnType<typeof billingActors>>;
  const clock = new ManualClock('2026-11-10T10:00:00.000Z');

  beforeAll(async () => {
    app = await createTestApp({ clock, env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL } });
    actors = await billingActors(app);
  }, 120_000);
  afterAll(() => app.close());

  const invoiceBilling = (accountId: string, enabled: unknown, token: string) =>
    app.inject({ method: 'PUT', url: `/v1/staff/billing/accounts/${accountId}/invoice-billing`, token, payload: { enabled } });
  const plan = (accountId: string, value: string, token: string) =>
    app.inject({ method: 'PUT', url: `/v1/staff/billing/accounts/${accountId}/plan`, token, payload: { plan: value } });

  it('is set by billing staff only, and only for enterprise accounts (403 plan_required otherwise)', async () => {
    const holder = await actors.holder('corp@example.com');
    expect((await invoiceBilling(holder.accountId, true, holder.token)).statusCode).toBe(403);
    expect((await invoiceBilling(holder.accountId, true, holder.token)).json().error).toBe('forbidden');
    const belowEnterprise = await invoiceBilling(holder.accountId, true, actors.staff);
    expect(belowEnterprise.statusCode).toBe(403);
    expect(belowEnterprise.json().error).toBe('plan_required');
    expect((await invoiceBilling('6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', true, actors.staff)).statusCode).toBe(404);
    expect((await invoiceBilling(holder.accountId, 'yes', actors.staff)).statusCode).toBe(400);
    expect(await app.runtime.eventStore.readStream(`billing_invoice_billing-${holder.accountId}`)).toEqual([]);

    expect((await plan(holder.accountId, 'enterprise', actors.staff)).statusCode).toBe(200);
    expect((await invoiceBilling(holder.accountId, true, actors.staff)).statusCode).toBe(204);
    const [event] = await app.runtime.eventStore.readStream(`billing_invoice_billing-${holder.accountId}`);
    expect(event).toMatchObject({
      type: 'billing.invoice_billing_changed',
      data: { enabled: true },
      metadata: { actor: { kind: 'staff', id: actors.staffId } },
    });
  });

  it('issues net-30 invoices: due 30 days after issue', async () => {
    const holder = await actors.holder('net30@example.com');
    await plan(holder.accountId, 'enterprise', actors.staff);
    await invoiceBilling(holder.accountId, true, actors.staff);
    const recorded = await app.inject({
      method: 'POST',
      url: '/v1/usage',
      token: TEST_SERVICE_TOKEN,
      payload: {
        accountId: holder.accountId,
        service: 'chat',
        amountMicros: 9_000_000,
        idempotencyKey: 'n-1',
        occurredAt: clock.now().toISOString(),
      },
    });
    expect(recorded.statusCode).toBe(202);
    clock.set('2026-12-03T00:00:00.000Z');
    await app.settle();
    await app.inject({ method: 'POST', url: '/v1/billing/periods/close', token: TEST_SERVICE_TOKEN, payload: { period: '2026-11' } });
    const token = (await actors.client.signIn('net30@example.com')).accessToken;
    const [invoice] = (await app.inject({ method: 'GET', url: '/v1/billing/invoices', token })).json().items;
    expect(invoice).toMatchObject({
      paymentTerms: 'net_30',
      issuedAt: '2026-12-03T00:00:00.000Z',
      dueAt: '2027-01-02T00:00:00.000Z',
      totalMicros: 9_000_000,
    });
  });

  it('takes ACH on enterprise, and refuses moving off enterprise (409 plan_in_use) while net-30 or ACH is in use', async () => {
    clock.set('2026-12-10T10:00:00.000Z');
    const staff = await actors.staffToken();
    const holder = await actors.holder('ach-corp@example.com');
    expect((await app.inject({ method: 'POST', url: '/v1/billing/payment-methods', token: holder.token, payload: ach() })).statusCode).toBe(
      403,
    );
    await plan(holder.accountId, 'enterprise', staff);
    const added = await app.inject({ method: 'POST', url: '/v1/billing/payment-methods', token: holder.token, payload: ach() });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({
      id: expect.any(String),
      type: 'ach',
      last4: '6789',
      isDefault: true,
      createdAt: '2026-12-10T10:00:00.000Z',
    });
    await invoiceBilling(holder.accountId, true, staff);

    const refused = await plan(holder.accountId, 'professional', staff);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'plan_in_use', inUse: ['invoice_billing', 'ach'] });

    expect((await invoiceBilling(holder.accountId, false, staff)).statusCode).toBe(204);
    expect((await plan(holder.accountId, 'professional', staff)).json()).toMatchObject({ error: 'plan_in_use', inUse: ['ach'] });
    await app.inject({ method: 'POST', url: '/v1/billing/payment-methods', token: holder.token, payload: card() });
    expect(
      (await app.inject({ method: 'DELETE', url: `/v1/billing/payment-methods/${added.json().id}`, token: holder.token })).statusCode,
    ).toBe(204);
    const moved = await plan(holder.accountId, 'professional', staff);
    expect(moved.statusCode).toBe(200);
    expect(moved.json().plan).toBe('professional');
  });
});
