import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { AddressInfo } from 'node:net';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';

const CORS_ORIGIN = 'https://console.example.com';
const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';

/** Raw bytes on a fresh connection, for what no HTTP client sends; resolves with the whole answer. */
function rawExchange(port: number, bytes: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: rest.join('\r\n\r\n') });
    });
    socket.end(bytes);
  });
}

/** A JSON array nested `depth` times inside the login body's extra field. */
const nestedLogin = (depth: number) => `{"email":"a@b.c","password":"x","z":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('what every request meets before any route (issue 19)', () => {
  let app: TestApp;
  let base: string;
  let port: number;

  beforeAll(async () => {
    app = await createTestApp({ env: { CORS_ORIGINS: CORS_ORIGIN } });
    await app.started.app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.started.app.getHttpServer().address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => app.close());

  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${base}${path}`, { method: 'POST', body, headers });

  describe('deeply nested JSON', () => {
    it.each([2000, 100_000])('answers a body nested %i levels with 400 invalid_request and details, on every route', async (depth) => {
      for (const path of ['/v1/auth/login', '/v1/accounts', '/v1/auth/password-reset', '/v1/auth/refresh', '/v1/api-keys']) {
        const response = await post(path, nestedLogin(depth));
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(await response.json()).toEqual({
          error: 'invalid_request',
          message: expect.stringMatching(/nested/),
          details: [{ field: 'body', message: expect.any(String) }],
        });
      }
    });

    it('takes a body nested as deep as the limit, and brackets inside strings do not count', async () => {
      const response = await post('/v1/auth/login', JSON.stringify({ email: 'a@b.c', password: '[[[[[[[[[['.repeat(10) }));
      expect(response.status).toBe(401);
      const deepButAllowed = await post('/v1/auth/login', nestedLogin(30));
      expect(deepButAllowed.status).toBe(400);
      expect(((await deepButAllowed.json()) as { details: unknown }).details).toEqual([expect.objectContaining({ field: 'z' })]);
    });
  });

  describe('JSON in, nothing else', () => {
    it('refuses a form-encoded sign-in, registration and reset with 415 unsupported_media_type', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const answers = await Promise.all([
        post('/v1/auth/login', `email=a%40b.c&password=${encodeURIComponent(PASSWORD)}`, form),
        post('/v1/accounts', `email=form%40example.com&password=${encodeURIComponent(PASSWORD)}`, form),
        post('/v1/auth/password-reset', 'email=a%40b.c', form),
        post('/v1/auth/login', 'email', { 'content-type': 'text/plain' }),
        post('/v1/auth/login', '{"email":"a@b.c","password":"x"}', { 'content-type': 'application/json; charset=iso-8859-1' }),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(415);
        expect(await answer.json()).toEqual({ error: 'unsupported_media_type', message: expect.any(String) });
      }
      const noAccount = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'form@example.com', password: PASSWORD },
      });
      expect(noAccount.statusCode).toBe(401);
    });

    it('checks the media type before authentication', async () => {
      const response = await post('/v1/api-keys', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(415);
    });

    it('takes application/json with a UTF-8 charset, and a request without a body whatever its content type', async () => {
      const utf8 = await post('/v1/auth/login', JSON.stringify({ email: 'a@b.c', password: 'x' }), {
        'content-type': 'application/json; charset="UTF-8"',
      });
      expect(utf8.status).toBe(401);
      expect(await utf8.json()).toMatchObject({ error: 'invalid_credentials' });
      const logout = await fetch(`${base}/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
      expect(logout.status).toBe(401);
      expect(await logout.json()).toMatchObject({ error: 'unauthorized' });
    });

    it('answers a body that is not valid UTF-8 with 400 invalid_request', async () => {
      const body = Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc3, 0x28]), Buffer.from('@b.c","password":"x"}')]);
      const response = await post('/v1/auth/login', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_request',
        message: expect.stringMatching(/UTF-8/),
        details: [{ field: 'body', message: expect.any(String) }],
      });
    });

    it('gives a 5 MB body sent by fetch its 413, on the framework and on the fast lane', async () => {
      const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(5 * 1024 * 1024) });
      const framework = await post('/v1/auth/login', big);
      expect(framework.status).toBe(413);
      expect(await framework.json()).toEqual({ error: 'payload_too_large', message: expect.any(String) });
      const fast = await post('/v1/keys/verify', big, {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_SERVICE_TOKEN}`,
      });
      expect(fast.status).toBe(413);
      expect(await fast.json()).toEqual({ error: 'payload_too_large', message: expect.any(String) });
    });
  });

  describe('headers of every answer', () => {
    it('marks answers nosniff and no-referrer, on the framework, the fast lane and a 404', async () => {
      const answers = await Promise.all([
        fetch(`${base}/health`),
        fetch(`${base}/v1/nowhere`),
        post('/v1/keys/verify', JSON.stringify({ key: 'mmx_nope', endpoint: 'chat' }), {
          'content-type': 'application/json',
          authorization: `Bearer ${TEST_SERVICE_TOKEN}`,
        }),
      ]);
      for (const answer of answers) {
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      }
    });

    it('gives /docs a CSP allowing only this origin and no framing', async () => {
      const docs = await fetch(`${base}/docs`);
      const csp = (docs.headers.get('content-security-policy') ?? '').split(/;\s*/);
      expect(csp).toEqual(expect.arrayContaining(["default-src 'self'", "frame-ancestors 'none'"]));
    });

    it('marks sign-in, refresh and key creation Cache-Control: no-store', async () => {
      const registered = await app.inject({
        method: 'POST',
        url: '/v1/accounts',
        payload: { email: 'nostore@example.com', password: PASSWORD },
      });
      expect(registered.statusCode).toBe(201);
      const login = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'nostore@example.com', password: PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      expect(login.headers['cache-control']).toBe('no-store');
      const { accessToken, refreshToken } = login.json();
      const refreshed = await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
      expect(refreshed.statusCode).toBe(200);
      expect(refreshed.headers['cache-control']).toBe('no-store');
      const created = await app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        token: accessToken,
        payload: { name: 'cached?', scopes: ['chat'] },
      });
      expect(created.statusCode).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      const rotated = await app.inject({
        method: 'POST',
        url: `/v1/api-keys/${created.json<{ id: string }>().id}/rotate`,
        token: accessToken,
        payload: { gracePeriodSeconds: 60 },
      });
      expect(rotated.statusCode).toBe(201);
      expect(rotated.headers['cache-control']).toBe('no-store');
      expect((await app.inject({ method: 'GET', url: '/health' })).headers['cache-control']).toBeUndefined();
    });
  });

  describe('methods', () => {
    it('answers a known path called with another method 405 method_not_allowed with Allow', async () => {
      const response = await fetch(`${base}/v1/auth/login`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST, OPTIONS');
      expect(await response.json()).toEqual({ error: 'method_not_allowed', message: expect.any(String) });
      const withParameter = await fetch(`${base}/v1/api-keys/some-id`, {
        method: 'PUT',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(withParameter.status).toBe(405);
      expect(withParameter.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'PATCH']);
      const fastLanePath = await fetch(`${base}/v1/keys/verify`);
      expect(fastLanePath.status).toBe(405);
      expect(fastLanePath.headers.get('allow')).toBe('POST, OPTIONS');
    });

    it('answers OPTIONS 204 with Allow, a CORS preflight from a configured origin with its headers, and an unknown path 404', async () => {
      const plain = await fetch(`${base}/v1/auth/login`, { method: 'OPTIONS' });
      expect(plain.status).toBe(204);
      expect(plain.headers.get('allow')).toBe('POST, OPTIONS');
      expect(plain.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${base}/v1/auth/login`, {
        method: 'OPTIONS',
        headers: { origin: CORS_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(CORS_ORIGIN);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
      const foreign = await fetch(`${base}/v1/auth/login`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      expect(foreign.headers.get('access-control-allow-methods')).toBeNull();
      const unknown = await fetch(`${base}/v1/nowhere`, { method: 'OPTIONS' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: 'not_found' });
    });
  });

  describe('refusals of the HTTP layer in the contract’s shape', () => {
    it('answers a header block over the limit 431 headers_too_large', async () => {
      const answer = await rawExchange(port, `GET /health HTTP/1.1\r\nhost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(answer.status).toBe(431);
      expect(answer.headers).toContain('x-content-type-options: nosniff');
      expect(JSON.parse(answer.body)).toEqual({ error: 'headers_too_large', message: expect.any(String) });
    });

    it('answers Transfer-Encoding with Content-Length 400 invalid_request with details', async () => {
      const answer = await rawExchange(
        port,
        'POST /v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      );
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ error: 'invalid_request', message: expect.any(String), details: [expect.any(Object)] });
    });

    it('answers a path plus query over 8 KiB 414 uri_too_long', async () => {
      for (const path of [`/health?q=${'a'.repeat(9000)}`, `/v1/nowhere?q=${'a'.repeat(9000)}`]) {
        const status = await new Promise<number>((resolve, reject) =>
          httpRequest(`${base}${path}`, (response) => {
            response.resume();
            resolve(response.statusCode!);
          })
            .on('error', reject)
            .end(),
        );
        expect(status).toBe(414);
      }
      const response = await fetch(`${base}/health?q=${'a'.repeat(9000)}`);
      expect(await response.json()).toEqual({ error: 'uri_too_long', message: expect.any(String) });
    });
  });
});
