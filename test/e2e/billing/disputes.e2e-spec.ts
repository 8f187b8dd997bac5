import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { billingActors, ADMIN_EMAIL } from './invoicing.helpers';

describe('billing disputes (POST/GET /v1/billing/disputes, the billing team under /v1/staff/billing/disputes)', () => {
  let app: TestApp;
  let actors: Awaited<ReturnType<typeof billingActors>>;
  const clock = new ManualClock('2026-12-04T16:45:00.000Z'); // a Friday

  beforeAll(async () => {
    app = await createTestApp({ clock, env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BUSINESS_HOLIDAYS: '2026-12-24,2026-12-25' } });
    actors = await billingActors(app);
  }, 120_000);
  afterAll(() => app.close());

  const open = (token: string, payload: unknown) => app.inject({ method: 'POST', url: '/v1/billing/disputes', token, payload });
  const queue = async (query = '') =>
    app.inject({ method: 'GET', url: `/v1/staff/billing/disputes${query}`, token: await actors.staffToken() });

  it('is due 2 business days later at the same time of day: opened on a Friday, due on Tuesday', async () => {
    clock.set('2026-12-04T16:45:00.000Z');
    const { token } = await actors.holder('friday@example.com');
    const opened = await open(token, { invoiceNumber: 'INV-2026-000042', description: 'I was charged twice for video' });
    expect(opened.statusCode).toBe(201);
    expect(opened.json()).toEqual({ id: expect.any(String), respondBy: '2026-12-08T16:45:00.000Z', status: 'open' });
  });

  it('skips a configured holiday (BUSINESS_HOLIDAYS)', async () => {
    clock.set('2026-12-23T09:30:00.000Z'); // Wednesday; Thursday 24 and Friday 25 are holidays
    const { token } = await actors.holder('holiday@example.com');
    const opened = await open(token, { chargeRef: 'ch_3PqX', description: 'Unknown charge' });
    expect(opened.json().respondBy).toBe('2026-12-29T09:30:00.000Z');
  });

  it('needs a reference, refuses unknown fields, and writes nothing for bad input', async () => {
    const { token } = await actors.holder('bad-input@example.com');
    expect((await open(token, { description: 'no reference' })).json()).toMatchObject({ error: 'invalid_request' });
    expect((await open(token, { invoiceNumber: 'INV-1', description: 'x' })).statusCode).toBe(400);
    expect((await open(token, { chargeRef: 'c', description: 'x', amount: 5 })).statusCode).toBe(400);
    await app.settle();
    expect((await app.inject({ method: 'GET', url: '/v1/billing/disputes', token })).json().items).toHaveLength(0);
  });

  it('lets billing staff open one that came by email, list overdue first, answer and resolve; the holder gets each answer by email', async () => {
    clock.set('2026-12-07T10:00:00.000Z'); // Monday
    const holder = await actors.holder('mailed@example.com');
    const forbidden = await app.inject({
      method: 'POST',
      url: '/v1/staff/billing/disputes',
      token: holder.token,
      payload: { accountId: holder.accountId, chargeRef: 'ch_1', description: 'x' },
    });
    expect(forbidden.statusCode).toBe(403);
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/staff/billing/disputes',
      token: await actors.staffToken(),
      payload: { accountId: '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', chargeRef: 'ch_1', description: 'x' },
    });
    expect(unknown.statusCode).toBe(404);
    const viaEmail = await app.inject({
      method: 'POST',
      url: '/v1/staff/billing/disputes',
      token: await actors.staffToken(),
      payload: { accountId: holder.accountId, invoiceNumber: 'INV-2026-000007', description: 'Email: the models line looks too high' },
    });
    expect(viaEmail.statusCode).toBe(201);
    const { id } = viaEmail.json();
    expect(viaEmail.json().respondBy).toBe('2026-12-09T10:00:00.000Z');
    const [opened] = await app.runtime.eventStore.readStream(`billing_dispute-${id}`);
    expect(opened.metadata.actor).toEqual({ kind: 'staff', id: actors.staffId });

    // Two days on, the Friday dispute (due Tue 8th) and this one (due Wed 9th) are overdue; the holiday one is not.
    clock.set('2026-12-10T12:00:00.000Z');
    await app.settle();
    const listed = (await queue()).json().items as { id: string; overdue: boolean; respondBy: string }[];
    expect(listed.map((d) => [d.respondBy, d.overdue])).toEqual([
      ['2026-12-08T16:45:00.000Z', true],
      ['2026-12-09T10:00:00.000Z', true],
      ['2026-12-29T09:30:00.000Z', false],
    ]);

    const respond = await app.inject({
      method: 'POST',
      url: `/v1/staff/billing/disputes/${id}/respond`,
      token: await actors.staffToken(),
      payload: { message: 'We are checking the models usage of November.' },
    });
    expect(respond.statusCode).toBe(204);
    const resolve = await app.inject({
      method: 'POST',
      url: `/v1/staff/billing/disputes/${id}/resolve`,
      token: await actors.staffToken(),
      payload: { outcome: 'upheld', creditMicros: 2_500_000 },
    });
    expect(resolve.statusCode).toBe(204);
    const again = await app.inject({
      method: 'POST',
      url: `/v1/staff/billing/disputes/${id}/resolve`,
      token: await actors.staffToken(),
      payload: { outcome: 'rejected' },
    });
    expect(again.json().error).toBe('dispute_resolved');
    await app.settle();

    const mails = app.mailer.to('mailed@example.com').filter((m) => m.subject.includes('dispute'));
    expect(mails.map((m) => m.subject)).toEqual([
      'Your billing dispute about INV-2026-000007',
      'Your billing dispute about INV-2026-000007 is resolved',
    ]);
    expect(mails[0].text).toContain('We are checking the models usage of November.');
    expect(mails[1].text).toContain('A credit of $2.50 will appear on your next invoice.');

    const holderNow = (await actors.client.signIn('mailed@example.com')).accessToken;
    const mine = (await app.inject({ method: 'GET', url: '/v1/billing/disputes', token: holderNow })).json().items;
    expect(mine).toEqual([
      expect.objectContaining({
        id,
        status: 'resolved',
        outcome: 'upheld',
        creditMicros: 2_500_000,
        answers: [{ message: 'We are checking the models usage of November.', at: '2026-12-10T12:00:00.000Z' }],
      }),
    ]);
    // The credit waits on the account's invoice stream for the next invoice.
    const credits = await app.runtime.eventStore.readStream(`billing_invoices-${holder.accountId}`);
    expect(credits.map((e) => [e.type, e.data.amountMicros])).toEqual([['billing.credit_granted', 2_500_000]]);
    const events = await app.runtime.eventStore.readStream(`billing_dispute-${id}`);
    expect(events.map((e) => [e.type, e.metadata.actor.kind])).toEqual([
      ['billing.dispute_opened', 'staff'],
      ['billing.dispute_answered', 'staff'],
      ['billing.dispute_resolved', 'staff'],
    ]);
    expect((await queue('?status=resolved')).json().items.map((d: { id: string }) => d.id)).toEqual([id]);
  });

  it('keeps staff routes from account holders and a rejected dispute from carrying a credit', async () => {
    const { token } = await actors.holder('nosy@example.com');
    expect((await app.inject({ method: 'GET', url: '/v1/staff/billing/disputes', token })).statusCode).toBe(403);
    const { id } = (await open(token, { chargeRef: 'ch_9', description: 'hm' })).json();
    const refused = await app.inject({
      method: 'POST',
      url: `/v1/staff/billing/disputes/${id}/resolve`,
      token: await actors.staffToken(),
      payload: { outcome: 'rejected', creditMicros: 10 },
    });
    expect(refused.statusCode).toBe(400);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/staff/billing/disputes/not-an-id/respond',
          token: await actors.staffToken(),
          payload: { message: 'x' },
        })
      ).statusCode,
    ).toBe(404);
  });
});
