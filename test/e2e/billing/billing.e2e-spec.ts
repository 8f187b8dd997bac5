import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { createKey, Holder, signIn, signUp, verify } from '../api-keys/api-keys.helpers';
import { postUsage, usageRecord } from './billing.helpers';

/** The bootstrap admin verifies its address and grants itself `billing`, as an operator would. */
async function billingStaff(app: TestApp, email: string): Promise<Holder> {
  const admin = await signUp(app, email);
  await app.settle();
  const mail = app.mailer
    .to(email)
    .map((message) => `${message.text ?? ''} ${message.html ?? ''}`)
    .join(' ');
  const token = /verify-email\?token=([^\s"&<]+)/.exec(mail)?.[1];
  await app.inject({ method: 'POST', url: '/v1/accounts/verify-email', payload: { token: decodeURIComponent(token!) } });
  admin.token = await signIn(app, email);
  const granted = await app.inject({
    method: 'PUT',
    url: `/v1/admin/accounts/${admin.accountId}/roles`,
    token: admin.token,
    payload: { roles: ['billing'] },
  });
  if (granted.statusCode !== 200) throw new Error(`grant billing: ${granted.statusCode} ${granted.body}`);
  return admin;
}

describe('billing through HTTP', () => {
  const clock = new ManualClock('2026-01-10T12:00:00.000Z');
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ clock, env: { BOOTSTRAP_ADMIN_EMAIL: 'root@example.com' } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  const put = (holder: Holder, url: string, payload: unknown) =>
    app.inject({ method: 'PUT', url, token: holder.token, payload: payload as object });
  const overview = async (holder: Holder) => (await app.inject({ method: 'GET', url: '/v1/billing/overview', token: holder.token })).json();
  const alert = { budgetMicros: 10_000_000, thresholdPercent: 80, notify: 'both' };

  it('gates alerts and the cap behind professional (403 plan_required on basic), and a downgrade switches them off and says so', async () => {
    const holder = await signUp(app, 'plans@example.com');
    expect((await overview(holder)).plan).toBe('basic');
    for (const [url, body] of [
      ['/v1/billing/alerts/chat', alert],
      ['/v1/billing/spending-cap', { capMicros: 5_000_000 }],
    ] as const) {
      const refused = await put(holder, url, body);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toBe('plan_required');
    }
    expect((await app.inject({ method: 'DELETE', url: '/v1/billing/spending-cap', token: holder.token })).statusCode).toBe(403);
    expect((await put(holder, '/v1/billing/plan', { plan: 'enterprise' })).statusCode).toBe(400);

    const upgraded = await put(holder, '/v1/billing/plan', { plan: 'professional' });
    expect(upgraded.json()).toEqual({ plan: 'professional', switchedOff: [] });
    expect((await app.inject({ method: 'GET', url: '/v1/me', token: holder.token })).json().plan).toBe('professional');
    expect((await put(holder, '/v1/billing/alerts/chat', alert)).json()).toEqual({ service: 'chat', ...alert });
    expect((await put(holder, '/v1/billing/spending-cap', { capMicros: 5_000_000 })).json()).toEqual({ capMicros: 5_000_000 });
    const bad = await put(holder, '/v1/billing/alerts/music', { ...alert, thresholdPercent: 0 });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.map((detail: { field: string }) => detail.field)
        .sort(),
    ).toEqual(['service', 'thresholdPercent']);
    expect((await app.inject({ method: 'GET', url: '/v1/billing/alerts', token: holder.token })).json().items).toEqual([
      { service: 'chat', ...alert },
    ]);

    const downgraded = await put(holder, '/v1/billing/plan', { plan: 'basic' });
    expect(downgraded.json()).toEqual({ plan: 'basic', switchedOff: ['alerts', 'spending_cap'] });
    expect((await app.inject({ method: 'GET', url: '/v1/billing/alerts', token: holder.token })).json().items).toEqual([]);
    expect((await overview(holder)).spendingCapMicros).toBeNull();
    const trail = await app.runtime.eventStore.readStream(`billing_account-${holder.accountId}`);
    expect(trail.at(-1)).toMatchObject({
      type: 'billing.plan_changed',
      data: { plan: 'basic', previousPlan: 'professional', switchedOff: ['alerts', 'spending_cap'] },
    });
  });

  it('lets only billing staff set enterprise, and then not the holder', async () => {
    const holder = await signUp(app, 'enterprise@example.com');
    const staff = await billingStaff(app, 'root@example.com');
    expect((await put(holder, `/v1/staff/billing/accounts/${holder.accountId}/plan`, { plan: 'enterprise' })).statusCode).toBe(403);
    const set = await put(staff, `/v1/staff/billing/accounts/${holder.accountId}/plan`, { plan: 'enterprise' });
    expect(set.json()).toEqual({ plan: 'enterprise', switchedOff: [] });
    expect(
      (await put(staff, `/v1/staff/billing/accounts/00000000-0000-4000-8000-000000000000/plan`, { plan: 'enterprise' })).statusCode,
    ).toBe(404);
    expect((await overview(holder)).plan).toBe('enterprise');
    expect((await app.inject({ method: 'GET', url: '/v1/me', token: holder.token })).json().plan).toBe('enterprise');
    expect((await put(holder, '/v1/billing/plan', { plan: 'basic' })).statusCode).toBe(403);
  });

  it('sums the overview exactly to what was recorded, and the CSV adds up to it', async () => {
    const holder = await signUp(app, 'overview@example.com');
    const amounts = { chat: [1, 999_999, 123_456_789], video: [5_000_000, 7], models: [42] };
    const records = Object.entries(amounts).flatMap(([service, values]) =>
      values.map((amountMicros, i) =>
        usageRecord(holder.accountId, { service, amountMicros, occurredAt: `2026-01-0${i + 1}T10:00:00.000Z` }),
      ),
    );
    records.push(usageRecord(holder.accountId, { amountMicros: 777, occurredAt: '2025-12-31T23:00:00.000Z' }));
    expect((await postUsage(app, { records })).json()).toEqual({ accepted: records.length, duplicates: 0, rejected: [] });
    expect((await postUsage(app, { records })).json()).toEqual({ accepted: 0, duplicates: records.length, rejected: [] });

    const view = await overview(holder);
    const byService = { chat: 1 + 999_999 + 123_456_789, video: 5_000_007, models: 42 };
    const total = byService.chat + byService.video + byService.models;
    expect(view).toEqual({
      plan: 'basic',
      period: '2026-01',
      periodStart: '2026-01-01T00:00:00.000Z',
      periodEnd: '2026-02-01T00:00:00.000Z',
      monthToDateMicros: total,
      // 9.5 days elapsed of 31: total * 31 / 9.5, in integers.
      projectedMicros: Math.floor((total * 31 * 2) / 19),
      byService,
      spendingCapMicros: null,
      capReached: false,
    });

    await app.settle();
    const csv = await app.inject({ method: 'GET', url: '/v1/billing/usage.csv?period=2026-01', token: holder.token });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...lines] = csv.body.trim().split('\n');
    expect(header).toBe('date,service,records,amount_micros');
    expect(lines).toEqual([
      '2026-01-01,chat,1,1',
      '2026-01-01,models,1,42',
      '2026-01-01,video,1,5000000',
      '2026-01-02,chat,1,999999',
      '2026-01-02,video,1,7',
      '2026-01-03,chat,1,123456789',
    ]);
    const sum = lines.reduce((acc, line) => acc + Number(line.split(',')[3]), 0);
    expect(sum).toBe(view.monthToDateMicros);
    const december = await app.inject({ method: 'GET', url: '/v1/billing/usage.csv?period=2025-12', token: holder.token });
    expect(december.body).toBe('date,service,records,amount_micros\n2025-12-31,chat,1,777\n');
    expect((await app.inject({ method: 'GET', url: '/v1/billing/usage.csv?period=2026-13', token: holder.token })).statusCode).toBe(400);
  });

  it('fires an alert once at its threshold, only for its service and channels', async () => {
    const holder = await signUp(app, 'alerts@example.com');
    await put(holder, '/v1/billing/plan', { plan: 'professional' });
    await put(holder, '/v1/billing/alerts/chat', { budgetMicros: 1_000_000, thresholdPercent: 50, notify: 'in_app' });
    await put(holder, '/v1/billing/alerts/video', { budgetMicros: 1_000_000, thresholdPercent: 50, notify: 'email' });
    const sentBefore = app.mailer.to('alerts@example.com').length;

    // chat crosses 500,000 in the second batch; video stays below its threshold.
    await postUsage(app, {
      records: [
        usageRecord(holder.accountId, { amountMicros: 400_000 }),
        usageRecord(holder.accountId, { service: 'video', amountMicros: 499_999 }),
      ],
    });
    await app.settle();
    expect((await app.inject({ method: 'GET', url: '/v1/notifications', token: holder.token })).json().items).toEqual([]);
    await postUsage(app, usageRecord(holder.accountId, { amountMicros: 100_000 }));
    await postUsage(app, usageRecord(holder.accountId, { amountMicros: 300_000 }));
    await app.settle();

    const page = (await app.inject({ method: 'GET', url: '/v1/notifications', token: holder.token })).json();
    expect(page.items).toEqual([
      expect.objectContaining({ kind: 'spending_alert', readAt: null, title: 'Spending alert: chat reached 50% of its budget' }),
    ]);
    expect(page.items[0].body).toContain('0.50 USD');
    expect(app.mailer.to('alerts@example.com').length).toBe(sentBefore);

    // A late record for video in the same period crosses its threshold: one mail, no in-app notice.
    await postUsage(app, usageRecord(holder.accountId, { service: 'video', amountMicros: 1, occurredAt: '2026-01-01T00:00:00.000Z' }));
    await postUsage(app, usageRecord(holder.accountId, { service: 'video', amountMicros: 5 }));
    await app.settle();
    const mails = app.mailer.to('alerts@example.com').slice(sentBefore);
    expect(mails.map((mail) => mail.subject)).toEqual(['Spending alert: video reached 50% of its budget']);
    expect((await app.inject({ method: 'GET', url: '/v1/notifications', token: holder.token })).json().items).toHaveLength(1);

    const id = page.items[0].id;
    expect((await app.inject({ method: 'POST', url: `/v1/notifications/${id}/read`, token: holder.token })).statusCode).toBe(204);
    const other = await signUp(app, 'nosy@example.com');
    expect((await app.inject({ method: 'POST', url: `/v1/notifications/${id}/read`, token: other.token })).statusCode).toBe(404);
    await app.settle();
    const read = (await app.inject({ method: 'GET', url: '/v1/notifications', token: holder.token })).json().items[0];
    expect(read.readAt).toBe(clock.now().toISOString());
  });

  it('answers 429 spending_cap_reached at the cap with Retry-After to the period end, and 200 again once it is raised', async () => {
    const holder = await signUp(app, 'cap@example.com');
    const { key } = await createKey(app, holder);
    await put(holder, '/v1/billing/plan', { plan: 'professional' });
    await put(holder, '/v1/billing/spending-cap', { capMicros: 1_000_000 });
    expect((await verify(app, key)).statusCode).toBe(200);

    await postUsage(app, usageRecord(holder.accountId, { amountMicros: 999_999 }));
    expect((await verify(app, key)).statusCode).toBe(200);
    await postUsage(app, usageRecord(holder.accountId, { amountMicros: 1 }));
    const refused = await waitForStatus(() => verify(app, key), 429);
    expect(refused.json()).toMatchObject({ error: 'spending_cap_reached' });
    // 2026-01-10T12:00Z to 2026-02-01T00:00Z
    expect(refused.headers['retry-after']).toBe(String(21.5 * 86_400));
    expect((await overview(holder)).capReached).toBe(true);

    await put(holder, '/v1/billing/spending-cap', { capMicros: 2_000_000 });
    await waitForStatus(() => verify(app, key), 200);
    await put(holder, '/v1/billing/spending-cap', { capMicros: 1_000_000 });
    await waitForStatus(() => verify(app, key), 429);
    expect((await app.inject({ method: 'DELETE', url: '/v1/billing/spending-cap', token: holder.token })).statusCode).toBe(204);
    await waitForStatus(() => verify(app, key), 200);
  });
});

async function waitForStatus(call: () => Promise<{ statusCode: number }>, status: number) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const response = await call();
    if (response.statusCode === status) return response as Awaited<ReturnType<typeof verify>>;
    if (Date.now() > deadline) throw new Error(`still ${response.statusCode}, expected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
