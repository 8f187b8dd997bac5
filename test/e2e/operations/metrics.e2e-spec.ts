import { randomUUID } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { freePort } from '@app/testing';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { createKey, PASSWORD, signUp } from '../api-keys/api-keys.helpers';
import { METRICS_TOKEN, sample } from './metrics.helpers';

describe('GET /metrics behind METRICS_TOKEN', () => {
  let app: TestApp;
  let base: string;

  beforeAll(async () => {
    app = await createTestApp({ env: { METRICS_TOKEN } });
    await app.started.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.started.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  const scrape = async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics', token: METRICS_TOKEN });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it('refuses a scrape without the token, or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-metrics-token' }, { authorization: METRICS_TOKEN }];
    for (const headers of attempts) {
      const response = await app.inject({ method: 'GET', url: '/metrics', headers });
      expect({ status: response.statusCode, error: response.json().error }).toEqual({ status: 401, error: 'unauthorized' });
    }
  });

  it('counts requests per route and status (the fast lane included), verifications, sign-ins and appends', async () => {
    const holder = await signUp(app, 'metrics@example.com');
    const wrong = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: holder.email, password: `${PASSWORD}x` } });
    expect(wrong.statusCode).toBe(401);
    const { key, id } = await createKey(app, holder, { scopes: ['chat'] });
    const verify = (body: unknown) =>
      fetch(`${base}/v1/keys/verify`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_SERVICE_TOKEN}` },
      });
    expect((await verify({ key, endpoint: 'chat' })).status).toBe(200);
    expect((await verify({ key, endpoint: 'chat' })).status).toBe(200);
    expect((await verify({ key, endpoint: 'video' })).status).toBe(403);
    expect((await verify({ key: 'mmx_unknown', endpoint: 'chat' })).status).toBe(401);
    await app.inject({ method: 'GET', url: `/v1/api-keys/${id}`, token: holder.token });
    await app.settle();

    const text = await scrape();
    expect(sample(text, 'http_requests_total', { method: 'POST', route: '/v1/keys/verify', status: '200' })).toBe(2);
    expect(sample(text, 'http_requests_total', { method: 'POST', route: '/v1/keys/verify', status: '403' })).toBe(1);
    expect(sample(text, 'http_requests_total', { method: 'GET', route: '/v1/api-keys/:id', status: '200' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/v1/accounts', status: '201' })).toBe(1);
    expect(sample(text, 'api_key_verifications_total', { outcome: 'valid' })).toBe(2);
    expect(sample(text, 'api_key_verifications_total', { outcome: 'scope_denied' })).toBe(1);
    expect(sample(text, 'api_key_verifications_total', { outcome: 'invalid_key' })).toBe(1);
    expect(sample(text, 'sign_ins_total', { method: 'password', outcome: 'success' })).toBe(1);
    expect(sample(text, 'sign_ins_total', { method: 'password', outcome: 'invalid_credentials' })).toBe(1);
    expect(sample(text, 'event_store_append_duration_seconds_count', { adapter: 'pglite', result: 'ok' })).toBeGreaterThan(2);
    expect(sample(text, 'usage_records_accepted_total')).toBeUndefined();
    for (const projection of app.runtime.readSide.projections) {
      expect(sample(text, 'projection_lag_events', { projection: projection.name })).toBe(0);
      expect(sample(text, 'projection_checkpoint_position', { projection: projection.name })).toBeGreaterThanOrEqual(0);
    }
    expect(sample(text, 'projection_checkpoint_position', { projection: 'account-profile' })).toBeGreaterThan(0);
    expect(sample(text, 'event_store_head_position')).toBeGreaterThan(2);
    expect(sample(text, 'job_queue_jobs', { queue: 'mail', state: 'failed' })).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('counts usage records accepted by service, through the fast lane, and not a duplicate', async () => {
    const accountId = randomUUID();
    const occurredAt = new Date().toISOString();
    const record = (service: string, idempotencyKey: string) => ({ accountId, service, amountMicros: 1_000, idempotencyKey, occurredAt });
    const post = (body: unknown) =>
      fetch(`${base}/v1/usage`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_SERVICE_TOKEN}` },
      });
    const first = await post({ records: [record('chat', 'k1'), record('chat', 'k2'), record('video', 'k3')] });
    expect(await first.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const retry = await post({ records: [record('chat', 'k1'), record('models', 'k4')] });
    expect(await retry.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    expect((await post({ records: [{ ...record('chat', 'k5'), amountMicros: -1 }] })).status).toBe(400);

    const text = await scrape();
    expect(sample(text, 'http_requests_total', { method: 'POST', route: '/v1/usage', status: '202' })).toBe(2);
    expect({
      chat: sample(text, 'usage_records_accepted_total', { service: 'chat' }),
      video: sample(text, 'usage_records_accepted_total', { service: 'video' }),
      models: sample(text, 'usage_records_accepted_total', { service: 'models' }),
    }).toEqual({ chat: 2, video: 1, models: 1 });
  });

  it('is listed in the API reference, with its security scheme, since it is served on this port', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(document.paths['/metrics'].get.security).toEqual([{ metricsToken: [] }]);
    expect(document.components.securitySchemes.metricsToken).toBeDefined();
  });

  it('labels an unknown path as unmatched, not by its path', async () => {
    await app.inject({ method: 'GET', url: '/no/such/path/12345' });
    const text = await scrape();
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('/no/such/path');
  });
});

/** Neither the document nor the reference page's source (the same document) names a route this port does not serve. */
async function expectUnlisted(app: TestApp): Promise<void> {
  for (const url of ['/docs/openapi.json', '/docs']) {
    const document = (await app.inject({ method: 'GET', url, headers: { accept: 'application/json' } })).json();
    expect(Object.keys(document.paths)).toContain('/v1/keys/verify');
    expect(document.paths['/metrics']).toBeUndefined();
    expect(document.components.securitySchemes.metricsToken).toBeUndefined();
  }
}

describe('GET /metrics on METRICS_PORT', () => {
  it('is served on its own port without a token, and not on the app’s port', async () => {
    const port = await freePort();
    const app = await createTestApp({ env: { METRICS_PORT: String(port), HOST: '127.0.0.1', METRICS_TOKEN } });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE http_requests_total counter');
      const onAppPort = await app.inject({ method: 'GET', url: '/metrics', token: METRICS_TOKEN });
      expect(onAppPort.statusCode).toBe(404);
      await expectUnlisted(app);
    } finally {
      await app.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('is off without METRICS_PORT and METRICS_TOKEN', async () => {
    const app = await createTestApp();
    try {
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(404);
      await expectUnlisted(app);
    } finally {
      await app.close();
    }
  });
});
