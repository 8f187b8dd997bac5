import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient } from '../e2e/auth/accounts-client';

describe("another account's resources and unknown emails", () => {
  let app: TestApp;
  let ada: string;
  let eve: string;
  let adaKey: string;

  beforeAll(async () => {
    app = await createTestApp();
    const client = accountsClient(app);
    await client.register('ada@example.com');
    await client.register('eve@example.com');
    ada = (await client.signIn('ada@example.com')).accessToken;
    eve = (await client.signIn('eve@example.com')).accessToken;
    const created = await app.inject({ method: 'POST', url: '/v1/api-keys', token: ada, payload: { name: 'ada', scopes: ['chat'] } });
    expect(created.statusCode).toBe(201);
    adaKey = created.json<{ id: string }>().id;
  }, 180_000);

  afterAll(() => app?.close());

  it.each([
    ['GET', (id: string) => `/v1/api-keys/${id}`, undefined],
    ['PATCH', (id: string) => `/v1/api-keys/${id}`, { name: 'stolen' }],
    ['POST', (id: string) => `/v1/api-keys/${id}/revoke`, {}],
    ['POST', (id: string) => `/v1/api-keys/${id}/rotate`, { gracePeriodSeconds: 0 }],
  ] as const)("answers 404 to %s on another account's key and writes nothing", async (method, url, payload) => {
    const before = await app.runtime.eventStore.headPosition();
    const response = await app.inject({ method, url: url(adaKey), token: eve, payload });
    expect(response.statusCode).toBe(404);
    const unknown = await app.inject({ method, url: url('00000000-0000-4000-8000-000000000000'), token: eve, payload });
    expect(unknown.statusCode).toBe(404);
    expect(response.json()).toEqual(unknown.json());
    expect(await app.runtime.eventStore.headPosition()).toBe(before);
    expect((await app.inject({ method: 'GET', url: url(adaKey).replace(/\/(revoke|rotate)$/, ''), token: ada })).json()).toEqual(
      expect.objectContaining({ name: 'ada' }),
    );
  });

  it("keeps another account's keys out of a listing", async () => {
    await app.settle();
    const listing = await app.inject({ method: 'GET', url: '/v1/api-keys', token: eve });
    expect(listing.statusCode).toBe(200);
    expect(listing.body).not.toContain(adaKey);
    expect((await app.inject({ method: 'GET', url: '/v1/api-keys', token: ada })).body).toContain(adaKey);
  });

  it('answers a password reset for an existing and an unknown email identically', async () => {
    const known = await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: 'ada@example.com' } });
    const unknown = await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email: 'nobody@example.com' } });
    expect(known.statusCode).toBe(202);
    expect({ status: unknown.statusCode, body: unknown.body }).toEqual({ status: known.statusCode, body: known.body });
  });

  it('answers a wrong password for an existing and an unknown email identically', async () => {
    const client = accountsClient(app);
    const known = await client.login('eve@example.com', 'Wrong-Password-123!');
    const unknown = await client.login('nobody@example.com', 'Wrong-Password-123!');
    expect(known.statusCode).toBe(401);
    expect({ status: unknown.statusCode, body: unknown.body }).toEqual({ status: known.statusCode, body: known.body });
  });
});
