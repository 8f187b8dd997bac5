import { createTestApp, TestApp } from '@app/test-app';
import { createKey, Holder, PASSWORD, signUp, supportAgent } from '../api-keys/api-keys.helpers';

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, nor an unpaired UTF-16 surrogate in jsonb: such a
 * string in a body or a path that reaches an event used to fail the append (500). It is bad input:
 * 400 `invalid_request` naming the field, and nothing written.
 */
describe('text PostgreSQL cannot store (NUL, unpaired surrogates)', () => {
  let app: TestApp;
  let staff: Holder;
  beforeAll(async () => {
    app = await createTestApp({ env: { BOOTSTRAP_ADMIN_EMAIL: 'boss@example.com' } });
    staff = await supportAgent(app, 'boss@example.com');
  });
  afterAll(() => app.close());

  it.each([
    ['nul', 'a\u0000b'],
    ['high-surrogate', 'a\ud800b'],
    ['low-surrogate', 'a\udc00b'],
  ])('is 400 invalid_request naming the field, and appends nothing, for a body string holding: %s', async (what, bad) => {
    const holder = await signUp(app, `holder-${what}@example.com`);
    const key = await createKey(app, holder);
    const requests = [
      {
        field: 'email',
        request: { method: 'POST' as const, url: '/v1/accounts', payload: { email: `x${bad}@example.com`, password: PASSWORD } },
      },
      { field: 'email', request: { method: 'POST' as const, url: '/v1/auth/password-reset', payload: { email: `x${bad}@example.com` } } },
      {
        field: 'name',
        request: { method: 'POST' as const, url: '/v1/api-keys', token: holder.token, payload: { name: `n${bad}`, scopes: ['chat'] } },
      },
      {
        field: 'name',
        request: { method: 'PATCH' as const, url: `/v1/api-keys/${key.id}`, token: holder.token, payload: { name: `n${bad}` } },
      },
      {
        field: 'reason',
        request: {
          method: 'POST' as const,
          url: `/v1/support/accounts/${holder.accountId}/suspend`,
          token: staff.token,
          payload: { reason: `r${bad}` },
        },
      },
    ];
    for (const { field, request } of requests) {
      const before = await app.runtime.eventStore.headPosition();
      const response = await app.inject(request);
      expect({ url: request.url, status: response.statusCode, body: response.json() }).toEqual({
        url: request.url,
        status: 400,
        body: { error: 'invalid_request', message: expect.any(String), details: [{ field, message: expect.any(String) }] },
      });
      await app.settle();
      expect(await app.runtime.eventStore.headPosition()).toBe(before);
    }
  });

  it('is 400 invalid_request, not 500, for a NUL character in the account id of a staff route', async () => {
    for (const request of [
      { method: 'POST' as const, url: '/v1/support/accounts/%00/suspend', payload: { reason: 'fraud' } },
      { method: 'POST' as const, url: '/v1/support/accounts/%00/reinstate' },
      { method: 'PUT' as const, url: '/v1/admin/accounts/%00/roles', payload: { roles: ['support'] } },
    ]) {
      const response = await app.inject({ ...request, token: staff.token });
      expect({ url: request.url, status: response.statusCode, error: response.json().error }).toEqual({
        url: request.url,
        status: 400,
        error: 'invalid_request',
      });
    }
  });
});
