import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { registeredErrorCodes, registeredRoutes } from '@app/http';
import { createTestApp, TestApp } from '@app/test-app';

/** Routes outside the reference: its own page assets. */
// The hub's HTML pages and assets are for browsers, not part of the API reference.
const undocumented = (path: string) =>
  path.startsWith('/docs/assets/') ||
  path.startsWith('*') ||
  /^\/hub(\/|$)/.test(path) ||
  path === '/reset-password' ||
  path === '/verify-email';

/** The maintained validator is ESM-only: it runs as its own process, on the document written to a file. */
async function validateWithOpenApiValidator(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, file]).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    return JSON.parse(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `/v1/api-keys/:id` in Fastify is `/v1/api-keys/{id}` in OpenAPI. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('operations: GET /health, /health/live, /health/ready and GET /docs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('reports the store, the read models, the queue and each projection with its lag', async () => {
    const registered = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: 'health@example.com', password: 'Xq7#vLp2!mZk9w' },
    });
    expect(registered.statusCode).toBe(201);
    await app.settle();
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'ok',
      store: { status: 'up', adapter: 'pglite' },
      readModels: { status: 'up', driver: 'pglite' },
      queue: { status: 'up', adapter: 'in-process' },
    });
    expect(body.projections).toEqual(
      app.runtime.readSide.projections.map((projection) => expect.objectContaining({ name: projection.name, lag: 0 })),
    );
  });

  it('is live, and ready once the projections it runs are within 5 s of the head', async () => {
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect({ status: live.statusCode, body: live.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    await app.settle();
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      store: { status: 'up' },
      readModels: { status: 'up' },
      queue: { status: 'up' },
      projections: { status: 'up' },
    });
  });

  it('serves the OpenAPI 3.1 document at /docs/openapi.json, valid for a maintained validator, with every error code', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(await validateWithOpenApiValidator(document)).toEqual({ valid: true });
    expect(Object.keys(document.components.securitySchemes)).toEqual(expect.arrayContaining(['accountBearer', 'serviceToken']));
    expect(document.paths['/v1/keys/verify'].post.security).toEqual([{ serviceToken: [] }]);
    expect(document.paths['/v1/api-keys'].post.security).toEqual([{ accountBearer: [] }]);
    expect(document.paths['/v1/accounts'].post.security).toEqual([]);
    const codes = registeredErrorCodes().map(({ code }) => code);
    expect(codes).toEqual(expect.arrayContaining(['invalid_key', 'email_taken', 'invalid_credentials']));
    expect(document.components.schemas.ErrorBody.properties.error.enum).toEqual(codes);
    for (const { code, status } of registeredErrorCodes()) expect(document.info.description).toContain(`| \`${code}\` | ${status} |`);
    const loginLocked = document.paths['/v1/auth/login'].post.responses['423'].content['application/json'];
    expect(loginLocked.example).toMatchObject({ error: 'account_locked' });
    expect(document.components.schemas.Error423.allOf[1].properties.error.enum).toContain('account_locked');
  });

  it('answers /docs with the reference page to a browser and with the document otherwise', async () => {
    const page = await app.inject({
      method: 'GET',
      url: '/docs',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toBe("default-src 'self'; frame-ancestors 'none'");
    expect(page.body).not.toMatch(/<script>|<style|https?:\/\//);
    for (const asset of page.body.match(/\/docs\/assets\/[a-z0-9.-]+/g) ?? []) {
      const served = await app.inject({ method: 'GET', url: asset });
      expect({ asset, status: served.statusCode, size: served.body.length > 100 }).toEqual({ asset, status: 200, size: true });
    }
    for (const accept of [undefined, '*/*', 'application/json']) {
      const json = await app.inject({ method: 'GET', url: '/docs', headers: accept ? { accept } : {} });
      expect({ accept, type: json.headers['content-type'], openapi: json.json().openapi }).toEqual({
        accept,
        type: 'application/json; charset=utf-8',
        openapi: '3.1.0',
      });
    }
    const missing = await app.inject({ method: 'GET', url: '/docs/assets/package.json' });
    expect(missing.statusCode).toBe(404);
  });

  it('documents every route the app serves', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    const document = response.json();
    const served = registeredRoutes(app.started.app).filter((route) => !undocumented(route.path));
    expect(served.length).toBeGreaterThan(1);
    for (const route of served) {
      const operation = document.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()];
      expect({ route, documented: operation !== undefined && Object.keys(operation.responses ?? {}).length > 0 }).toEqual({
        route,
        documented: true,
      });
    }
  });

  it('tags every response with a request id, taking the caller’s when it is well-formed', async () => {
    const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'caller-request-0001' } });
    expect(given.headers['x-request-id']).toBe('caller-request-0001');
    const generated = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('logs', () => {
  it('are JSON lines with request ids, and never hold a password, a token or a query string', async () => {
    const lines: string[] = [];
    const app = await createTestApp({ logLines: lines });
    try {
      const password = 'Jh4$wQz8!pRt2x';
      const registered = await app.inject({
        method: 'POST',
        url: '/v1/accounts',
        payload: { email: 'logs@example.com', password },
        headers: { authorization: 'Bearer some-secret-token' },
      });
      expect(registered.statusCode).toBe(201);
      await app.inject({ method: 'GET', url: '/health?token=query-secret-value' });
      expect(lines.length).toBeGreaterThan(2);
      const entries = lines.map((line) => JSON.parse(line));
      expect(entries.some((entry) => entry.reqId && entry.req?.path === '/v1/accounts')).toBe(true);
      const all = lines.join('\n');
      for (const secret of [password, 'some-secret-token', 'query-secret-value']) expect(all).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});
