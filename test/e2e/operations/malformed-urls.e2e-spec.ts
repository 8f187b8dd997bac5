import { createTestApp, TestApp } from '@app/test-app';

/** The router refuses some URLs before any route runs; those answers keep the contract's error shape too. */
describe('URLs the router refuses', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('answers a path that is not valid percent-encoded UTF-8 with 400 invalid_request and details', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/api-keys/a%ED%A0%80b' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
    expect(response.json()).toEqual({
      error: 'invalid_request',
      message: expect.any(String),
      details: [{ field: 'path', message: expect.any(String) }],
    });
  });

  it('answers a path parameter over the router limit with 414 in the error shape, without echoing the path', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/api-keys/${'x'.repeat(5000)}` });
    expect(response.statusCode).toBe(414);
    expect(response.json()).toEqual({ error: 'uri_too_long', message: expect.any(String) });
    expect(response.body).not.toContain('xxxxxxxxxx');
  });
});
