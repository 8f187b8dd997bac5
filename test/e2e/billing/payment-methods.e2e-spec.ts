import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { billingActors, ach, card, ADMIN_EMAIL } from './invoicing.helpers';

describe('payment methods (GET/POST/PATCH/DELETE /v1/billing/payment-methods)', () => {
  let app: TestApp;
  let actors: Awaited<ReturnType<typeof billingActors>>;
  const logLines: string[] = [];
  const clock = new ManualClock('2026-12-01T10:00:00.000Z');

  beforeAll(async () => {
    app = await createTestApp({ clock, logLines, env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, LOG_LEVEL: 'info' } });
    actors = await billingActors(app);
  }, 120_000);
  afterAll(() => app.close());

  const methods = (token: string) => app.inject({ method: 'GET', url: '/v1/billing/payment-methods', token });
  const add = (token: string, payload: unknown) => app.inject({ method: 'POST', url: '/v1/billing/payment-methods', token, payload });

  it('keeps brand, last 4, expiry and a sealed token; the first method is the default; never shows the token', async () => {
    const { accountId, token } = await actors.holder('cards@example.com');
    const added = await add(token, card());
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({
      id: expect.any(String),
      type: 'card',
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2030,
      isDefault: true,
      createdAt: '2026-12-01T10:00:00.000Z',
    });
    const second = (await add(token, card({ brand: 'mastercard', last4: '4444', token: 'tok_second_mc' }))).json();
    expect(second.isDefault).toBe(false);

    const [event] = await app.runtime.eventStore.readStream(`billing_payment_methods-${accountId}`);
    expect(event.data.tokenSealed).toMatch(/^v1\./);
    expect(JSON.stringify(event.data)).not.toContain('tok_1NirD82eZvKYlo2CIvbtLWuY');
    expect(JSON.stringify((await methods(token)).json())).not.toContain('tok_');

    // One default: making the second the default takes it from the first.
    const made = await app.inject({
      method: 'PATCH',
      url: `/v1/billing/payment-methods/${second.id}`,
      token,
      payload: { isDefault: true },
    });
    expect(made.statusCode).toBe(200);
    expect((await methods(token)).json().items.map((m: { last4: string; isDefault: boolean }) => [m.last4, m.isDefault])).toEqual([
      ['4242', false],
      ['4444', true],
    ]);

    // Update the expiry; an expired one is refused; an ACH-only field on a card is refused.
    const updated = await app.inject({
      method: 'PATCH',
      url: `/v1/billing/payment-methods/${second.id}`,
      token,
      payload: { expMonth: 3, expYear: 2031 },
    });
    expect(updated.json()).toMatchObject({ expMonth: 3, expYear: 2031, isDefault: true });
    const expired = await app.inject({
      method: 'PATCH',
      url: `/v1/billing/payment-methods/${second.id}`,
      token,
      payload: { expMonth: 11, expYear: 2026 },
    });
    expect(expired.statusCode).toBe(400);
    expect((await add(token, card({ routingNumber: '110000000' }))).json().details).toEqual([
      { field: 'routingNumber', message: 'routingNumber is not a field of card' },
    ]);

    // Removing the default hands it to the oldest remaining method.
    expect((await app.inject({ method: 'DELETE', url: `/v1/billing/payment-methods/${second.id}`, token })).statusCode).toBe(204);
    expect((await methods(token)).json().items).toEqual([expect.objectContaining({ last4: '4242', isDefault: true })]);
  });

  it('refuses a body holding a full card number, writes nothing and logs nothing of it', async () => {
    const { accountId, token } = await actors.holder('numbers@example.com');
    const before = logLines.length;
    for (const body of [
      card({ token: '4242424242424242' }),
      { ...card(), cardNumber: '4242 4242 4242 4242' },
      card({ token: 'x-4111-1111-1111-1111' }),
    ]) {
      const refused = await add(token, body);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toBe('invalid_request');
      expect(refused.body).not.toMatch(/4242 ?4242|4111-1111/);
    }
    expect(await app.runtime.eventStore.readStream(`billing_payment_methods-${accountId}`)).toEqual([]);
    const logged = logLines.slice(before).join('\n');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).not.toMatch(/4242 ?4242|4111-1111/);
  });

  it('refuses ACH below enterprise with 403 plan_required', async () => {
    const { accountId, token } = await actors.holder('ach@example.com');
    const refused = await add(token, ach());
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('plan_required');
    expect(await app.runtime.eventStore.readStream(`billing_payment_methods-${accountId}`)).toEqual([]);
  });

  it("answers 404 for another account's method and for ids it never issued", async () => {
    const owner = await actors.holder('owner@example.com');
    const other = await actors.holder('other@example.com');
    const { id } = (await add(owner.token, card())).json();
    expect((await app.inject({ method: 'DELETE', url: `/v1/billing/payment-methods/${id}`, token: other.token })).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'PATCH', url: '/v1/billing/payment-methods/nope', token: owner.token, payload: {} })).statusCode,
    ).toBe(404);
    expect((await methods(other.token)).json().items).toHaveLength(0);
  });
});
