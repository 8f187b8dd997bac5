import { createTestApp, TestApp } from '@app/test-app';

// Strong under the password policy: every class, no 4-letter dictionary word, not the email.
const strongPassword = 'Xq7#vLp2!mZk9w';

describe('POST /v1/accounts (HTTP -> command -> events -> stream)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  const headPosition = () => app.runtime.eventStore.headPosition();

  it('creates an account and records account.registered in its stream, with request metadata', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: 'Grace.Hopper@Example.com', password: strongPassword },
      headers: { 'user-agent': 'e2e-test/1.0', 'x-request-id': 'req-register-0001' },
    });
    expect(response.statusCode).toBe(201);
    const { accountId } = response.json<{ accountId: string }>();
    const [registered] = await app.runtime.eventStore.readStream(`account-${accountId}`);
    expect(registered.type).toBe('account.registered');
    expect(registered.data).toMatchObject({ accountId, email: 'grace.hopper@example.com' });
    expect(registered.metadata).toMatchObject({ accountId, correlationId: 'req-register-0001', userAgent: 'e2e-test/1.0' });
    expect(JSON.stringify(registered, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))).not.toContain(
      strongPassword,
    );
  });

  it('refuses a second account for the same email in another case, with 409 email_taken', async () => {
    await app.inject({ method: 'POST', url: '/v1/accounts', payload: { email: 'ada@example.com', password: strongPassword } });
    const before = await headPosition();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: '  ADA@example.COM ', password: strongPassword },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: 'email_taken', message: expect.any(String) });
    expect(await headPosition()).toBe(before);
  });

  it('lets exactly one of two concurrent registrations of one email win', async () => {
    const register = () =>
      app.inject({ method: 'POST', url: '/v1/accounts', payload: { email: 'race@example.com', password: strongPassword } });
    const statuses = (await Promise.all([register(), register(), register()])).map((response) => response.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409]);
  });

  describe('bad input gets a 4xx in the error format and appends no event', () => {
    const cases: Array<[string, { payload: string; headers?: Record<string, string> }, number, string]> = [
      ['malformed JSON', { payload: '{"email": "a@b.co", ' }, 400, 'invalid_request'],
      ['a missing field', { payload: JSON.stringify({ email: 'a@b.co' }) }, 400, 'invalid_request'],
      [
        'an unknown field',
        { payload: JSON.stringify({ email: 'a@b.co', password: strongPassword, role: 'admin' }) },
        400,
        'invalid_request',
      ],
      ['a wrong type', { payload: JSON.stringify({ email: 'a@b.co', password: 12345678901234 }) }, 400, 'invalid_request'],
      ['a JSON array body', { payload: '[]' }, 400, 'invalid_request'],
      ['a 5 MB body', { payload: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(5 * 1024 * 1024) }) }, 413, 'payload_too_large'],
      ['a non-JSON content type', { payload: 'email=a@b.co', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
    ];

    it.each(cases)('%s', async (_name, request, status, code) => {
      const before = await headPosition();
      const response = await app.inject({
        method: 'POST',
        url: '/v1/accounts',
        payload: request.payload,
        headers: { 'content-type': 'application/json', ...request.headers },
      });
      expect(response.statusCode).toBe(status);
      const body = response.json();
      expect(body).toMatchObject({ error: code, message: expect.any(String) });
      if (status === 400)
        expect(body.details).toEqual(
          expect.arrayContaining([expect.objectContaining({ field: expect.any(String), message: expect.any(String) })]),
        );
      expect(await headPosition()).toBe(before);
    });
  });

  it('answers an unknown route with 404 not_found in the error format', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found' });
  });
});
