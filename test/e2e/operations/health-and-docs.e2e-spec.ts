import { registeredRoutes } from '@app/http';
import { createTestApp, TestApp } from '@app/test-app';

/** `/v1/api-keys/:id` in Fastify is `/v1/api-keys/{id}` in OpenAPI. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('operations: GET /health and GET /docs', () => {
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

  it('serves an OpenAPI 3 document that covers every route the app serves', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info).toMatchObject({ title: expect.any(String), version: '1' });
    const served = registeredRoutes(app.started.app).filter((route) => route.path !== '/docs' && !route.path.startsWith('*'));
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
