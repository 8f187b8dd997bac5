import { ManualClock } from '@app/ddd';
import { verifyChain } from '@app/event-store';
import { createTestApp, TestApp } from '@app/test-app';
import { createKey, Holder, signUp } from '../api-keys/api-keys.helpers';
import { staffMember } from './staff.helpers';

describe('auditors: events, state as of an instant, export, chain verification', () => {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  let app: TestApp;
  let auditor: Holder;
  let holder: Holder;
  let revokedKeyId: string;
  let keptKeyId: string;
  const beforeRevocation = '2026-03-02T09:05:00.000Z';

  beforeAll(async () => {
    app = await createTestApp({ clock, env: { BOOTSTRAP_ADMIN_EMAIL: 'chief@example.com' } });
    auditor = await staffMember(app, 'chief@example.com', ['auditor']);
    holder = await signUp(app, 'holder@example.com');
    revokedKeyId = (await createKey(app, holder, { name: 'ci-runner', scopes: ['chat'] })).id;
    keptKeyId = (await createKey(app, holder, { name: 'batch-jobs', scopes: ['video'] })).id;
    clock.set('2026-03-02T09:10:00.000Z');
    const revoked = await app.inject({ method: 'POST', url: `/v1/api-keys/${revokedKeyId}/revoke`, token: holder.token });
    expect(revoked.statusCode).toBe(204);
    const upgraded = await app.inject({ method: 'PUT', url: '/v1/billing/plan', token: holder.token, payload: { plan: 'professional' } });
    expect(upgraded.statusCode).toBe(200);
    await app.settle();
  }, 120_000);
  afterAll(() => app.close());

  const get = (path: string, token = auditor.token) =>
    app.inject({ method: 'GET', url: `/v1/audit/accounts/${holder.accountId}${path}`, token });

  it('lists the account’s events in log order, in pages, filtered by type', async () => {
    const first = await get('/events?limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items.map((item: { type: string }) => item.type)).toEqual(['uniqueness.value_reserved', 'account.registered']);
    expect(page.items[1]).toMatchObject({
      stream: `account-${holder.accountId}`,
      revision: 0,
      occurredAt: '2026-03-02T09:00:00.000Z',
      actor: { kind: 'account' },
      metadata: { accountId: holder.accountId, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(typeof page.items[0].position).toBe('string');

    const rest = (await get(`/events?cursor=${page.nextCursor}&limit=1000`)).json();
    expect(rest.items.map((item: { type: string }) => item.type)).toEqual([
      'session.started',
      'api_key.created',
      'api_key.created',
      'api_key.revoked',
      'billing.plan_changed',
    ]);
    expect(rest.nextCursor).toBeNull();

    const keys = (await get('/events?type=api_key.')).json();
    expect(keys.items.map((item: { type: string }) => item.type)).toEqual(['api_key.created', 'api_key.created', 'api_key.revoked']);
    const revocations = (await get('/events?type=api_key.revoked')).json();
    expect(revocations.items).toEqual([
      expect.objectContaining({ stream: `api_key-${revokedKeyId}`, actor: { kind: 'account', id: holder.accountId } }),
    ]);
  });

  it('rebuilds the state as of a past instant, which differs from now by the key revoked and the plan changed since', async () => {
    const past = (await get(`/state?asOf=${beforeRevocation}`)).json();
    const now = (await get('/state')).json();
    expect(past).toMatchObject({
      asOf: beforeRevocation,
      account: { status: 'active', email: 'holder@example.com', emailVerified: false, roles: [] },
      mfa: { enabled: false, factors: [] },
      billing: { plan: 'basic', spendingCapMicros: null, invoiceBilling: false },
    });
    expect(now.billing).toEqual({ plan: 'professional', spendingCapMicros: null, invoiceBilling: false });
    expect(past.apiKeys).toEqual([
      { id: revokedKeyId, name: 'ci-runner', status: 'active', scopes: ['chat'] },
      { id: keptKeyId, name: 'batch-jobs', status: 'active', scopes: ['video'] },
    ]);
    expect(now.apiKeys).toEqual([
      { id: revokedKeyId, name: 'ci-runner', status: 'revoked', scopes: ['chat'] },
      { id: keptKeyId, name: 'batch-jobs', status: 'active', scopes: ['video'] },
    ]);
    const beforeRegistration = (await get('/state?asOf=2026-03-01T00:00:00.000Z')).json();
    expect(beforeRegistration).toMatchObject({ account: { status: 'not_registered' }, apiKeys: [] });
  });

  it('exports the stored events as NDJSON that verifies offline, stream by stream', async () => {
    const exported = await get('/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = exported.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(7);
    const byStream = new Map<string, typeof lines>();
    for (const line of lines) byStream.set(line.stream, [...(byStream.get(line.stream) ?? []), line]);
    expect(byStream.size).toBe(6); // the email's reservation, the account, its session, two keys, the billing account
    for (const events of byStream.values()) expect(verifyChain(events)).toEqual({ intact: true, events: events.length });
  });

  it('verifies every chain of the account, and names an event altered directly in the database', async () => {
    expect((await get('/verify')).json()).toEqual({ intact: true, events: 7, streams: 6 });

    await app.runtime.db.query(
      `UPDATE event_store_events SET data = jsonb_set(data, '{name}', '"innocent-name"') WHERE stream = $1 AND revision = 0`,
      [`api_key-${keptKeyId}`],
    );
    expect((await get('/verify')).json()).toEqual({
      intact: false,
      events: 7,
      streams: 6,
      firstBroken: { stream: `api_key-${keptKeyId}`, revision: 0 },
    });
  });

  it('is for auditors only, and 404 for an account without history', async () => {
    expect((await get('/verify', holder.token)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/v1/audit/accounts/${holder.accountId}/events` })).statusCode).toBe(401);
    const unknown = await app.inject({
      method: 'GET',
      url: '/v1/audit/accounts/00000000-0000-4000-8000-000000000000/state',
      token: auditor.token,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('not_found');
    for (const query of ['?asOf=yesterday', '?asOf=2026-13-01T00:00:00Z', '?bogus=1']) {
      const refused = await get(`/state${query}`);
      expect([refused.statusCode, refused.json().error]).toEqual([400, 'invalid_request']);
    }
    for (const query of ['?cursor=abc', '?limit=0', '?limit=1001', '?type=DROP TABLE']) {
      const refused = await get(`/events${query}`);
      expect([refused.statusCode, refused.json().error]).toEqual([400, 'invalid_request']);
    }
  });
});

describe('support: recent activity of an account', () => {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  let app: TestApp;
  let support: Holder;
  let holder: Holder;
  let key: string;

  beforeAll(async () => {
    app = await createTestApp({ clock, env: { BOOTSTRAP_ADMIN_EMAIL: 'desk@example.com' } });
    support = await staffMember(app, 'desk@example.com', ['support']);
    holder = await signUp(app, 'customer@example.com');
    const failed = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'customer@example.com', password: 'Wrong#Pass1234' },
      headers: { 'user-agent': 'curl/8.5' },
    });
    expect(failed.statusCode).toBe(401);
    key = (await createKey(app, holder, { name: 'deploy-bot', scopes: ['models'] })).key;
    await app.settle();
  }, 120_000);
  afterAll(() => app.close());

  it('shows sign-ins with their outcome, key and session changes, newest first, without secrets or hashes', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/support/accounts/${holder.accountId}/activity`, token: support.token });
    expect(response.statusCode).toBe(200);
    const { items, nextCursor } = response.json();
    expect(nextCursor).toBeNull();
    expect(items.map((item: { kind: string; outcome: string | null }) => [item.kind, item.outcome])).toEqual([
      ['api_key', null],
      ['sign_in', 'failure'],
      ['sign_in', 'success'],
      ['account', null],
      ['account', null],
    ]);
    expect(items[0]).toEqual({
      at: '2026-03-02T09:00:00.000Z',
      kind: 'api_key',
      summary: 'API key "deploy-bot" created (scopes: models)',
      ip: '127.0.0.1',
      userAgent: 'lightMyRequest',
      outcome: null,
    });
    expect(items[1]).toMatchObject({ summary: 'Sign-in failed', userAgent: 'curl/8.5' });

    const stored = await app.runtime.eventStore.readStream(`account-${holder.accountId}`);
    const sealedHash = String(stored[0].data.passwordHashSealed);
    const keyEvents = await app.runtime.eventStore.readAll({ typePrefixes: ['api_key.created'] });
    const keyHash = String(keyEvents.find((event) => event.metadata.accountId === holder.accountId)!.data.hash);
    for (const secret of [key, key.slice(0, 12), keyHash, sealedHash]) expect(response.body).not.toContain(secret);
  });

  it('keeps to `since` and pages with the cursor it issues', async () => {
    const later = await app.inject({
      method: 'GET',
      url: `/v1/support/accounts/${holder.accountId}/activity?since=2026-03-02T09:00:01Z`,
      token: support.token,
    });
    expect(later.json().items).toEqual([]);
    const first = (
      await app.inject({ method: 'GET', url: `/v1/support/accounts/${holder.accountId}/activity?limit=3`, token: support.token })
    ).json();
    expect(first.items).toHaveLength(3);
    const second = await app.inject({
      method: 'GET',
      url: `/v1/support/accounts/${holder.accountId}/activity?limit=3&cursor=${first.nextCursor}`,
      token: support.token,
    });
    expect(second.json()).toEqual({
      items: [
        expect.objectContaining({ kind: 'account', summary: 'Account created' }),
        expect.objectContaining({ kind: 'account', summary: 'Email address reserved for the account' }),
      ],
      nextCursor: null,
    });
    expect(
      (await app.inject({ method: 'GET', url: `/v1/support/accounts/${holder.accountId}/activity`, token: holder.token })).statusCode,
    ).toBe(403);
  });
});
