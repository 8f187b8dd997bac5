import { AddressInfo } from 'node:net';
import { freePort } from '@app/testing';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { createKey, PASSWORD, signUp } from '../api-keys/api-keys.helpers';

const METRICS_TOKEN = 'metrics-token-for-the-e2e-run';

/** The value of one series in a Prometheus text exposition (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[3] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[4]);
  }
  return undefined;
}

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
    expect(sample(text, 'sign_ins_total', { outcome: 'success' })).toBe(1);
    expect(sample(text, 'sign_ins_total', { outcome: 'invalid_credentials' })).toBe(1);
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

  it('labels an unknown path as unmatched, not by its path', async () => {
    await app.inject({ method: 'GET', url: '/no/such/path/12345' });
    const text = await scrape();
    expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('/no/such/path');
  });
});

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
    } finally {
      await app.close();
    }
  });
});
