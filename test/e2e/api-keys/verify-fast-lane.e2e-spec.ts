import { AddressInfo } from 'node:net';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { createKey, signUp } from './api-keys.helpers';

interface Call {
  readonly payload: string | Buffer;
  readonly headers?: Record<string, string>;
}

/**
 * The fast lane answers POST /v1/keys/verify from node:http before Fastify and NestJS. Over a real
 * socket it must give exactly what the NestJS route gives in-process, for every kind of request.
 */
describe('POST /v1/keys/verify through the fast lane', () => {
  let app: TestApp;
  let base: string;
  let validKey: string;
  let revokedKey: string;

  beforeAll(async () => {
    app = await createTestApp({ env: { BODY_LIMIT_BYTES: '4096' } });
    await app.started.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.started.app.getHttpServer().address() as AddressInfo).port}`;
    const holder = await signUp(app, 'fast-lane@example.com');
    validKey = (await createKey(app, holder, { scopes: ['chat'] })).key;
    const revoked = await createKey(app, holder);
    await app.inject({ method: 'POST', url: `/v1/api-keys/${revoked.id}/revoke`, token: holder.token });
    revokedKey = revoked.key;
  });
  afterAll(() => app.close());

  const calls: Record<string, () => Call> = {
    'a valid key': () => ({ payload: JSON.stringify({ key: validKey, endpoint: 'chat.completions' }) }),
    'a scope the key lacks': () => ({ payload: JSON.stringify({ key: validKey, endpoint: 'video.generate' }) }),
    'a revoked key': () => ({ payload: JSON.stringify({ key: revokedKey, endpoint: 'chat' }) }),
    'a malformed key': () => ({ payload: JSON.stringify({ key: 'mmx_nope', endpoint: 'chat' }) }),
    'a wrong service token': () => ({
      payload: JSON.stringify({ key: validKey, endpoint: 'chat' }),
      headers: { authorization: 'Bearer wrong' },
    }),
    'no service token': () => ({ payload: JSON.stringify({ key: validKey, endpoint: 'chat' }), headers: { authorization: '' } }),
    'an unknown field': () => ({ payload: JSON.stringify({ key: validKey, endpoint: 'chat', extra: 1 }) }),
    'a wrong type': () => ({ payload: JSON.stringify({ key: 42, endpoint: 'chat' }) }),
    'a JSON array': () => ({ payload: '[]' }),
    'malformed JSON': () => ({ payload: '{"key": ' }),
    'a body over the limit': () => ({ payload: JSON.stringify({ key: 'x'.repeat(5000), endpoint: 'chat' }) }),
    'JSON nested past the limit': () => ({ payload: `{"key":"k","endpoint":"chat","x":${'['.repeat(3000)}${']'.repeat(3000)}}` }),
    'a body that is not UTF-8': () => ({ payload: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) }),
    'a charset other than UTF-8': () => ({
      payload: JSON.stringify({ key: validKey, endpoint: 'chat' }),
      headers: { 'content-type': 'application/json; charset=latin1' },
    }),
    'a form-encoded body': () => ({ payload: 'key=x&endpoint=chat', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
  };

  it.each(Object.keys(calls))('%s: the same status and body as the framework route', async (name) => {
    const call = calls[name]();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${TEST_SERVICE_TOKEN}`, ...call.headers };
    if (headers.authorization === '') delete (headers as Record<string, string>).authorization;
    const overSocket = await fetch(`${base}/v1/keys/verify`, { method: 'POST', body: call.payload, headers });
    const inProcess = await app.inject({ method: 'POST', url: '/v1/keys/verify', payload: call.payload, headers });
    const socketBody = await overSocket.json();
    expect({ status: overSocket.status, body: socketBody }).toEqual({ status: inProcess.statusCode, body: inProcess.json() });
    expect(overSocket.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const header of ['x-content-type-options', 'referrer-policy', 'content-security-policy', 'strict-transport-security'])
      expect({ header, value: overSocket.headers.get(header) }).toEqual({ header, value: inProcess.headers[header] });
  });

  it('answers OPTIONS and other methods on the fast path like every route: 204 or 405 with Allow', async () => {
    const options = await fetch(`${base}/v1/keys/verify`, { method: 'OPTIONS' });
    expect({ status: options.status, allow: options.headers.get('allow') }).toEqual({ status: 204, allow: 'POST, OPTIONS' });
    const get = await fetch(`${base}/v1/keys/verify`, { headers: { authorization: `Bearer ${TEST_SERVICE_TOKEN}` } });
    expect({ status: get.status, allow: get.headers.get('allow'), body: await get.json() }).toEqual({
      status: 405,
      allow: 'POST, OPTIONS',
      body: { error: 'method_not_allowed', message: expect.any(String) },
    });
  });

  it('keeps the caller’s request id, and leaves other content types to the framework', async () => {
    const tagged = await fetch(`${base}/v1/keys/verify`, {
      method: 'POST',
      body: JSON.stringify({ key: validKey, endpoint: 'chat' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_SERVICE_TOKEN}`, 'x-request-id': 'platform-req-00042' },
    });
    expect(tagged.headers.get('x-request-id')).toBe('platform-req-00042');
    const plain = await fetch(`${base}/v1/keys/verify`, {
      method: 'POST',
      body: 'key=x',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${TEST_SERVICE_TOKEN}` },
    });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ error: 'unsupported_media_type' });
  });
});
