import { EventData, isSealed, NewEvent, ownerOf, undeclaredPersonalFields } from '@app/event-store';
import { createTestApp, TestApp } from '@app/test-app';

const EMAIL = 'seam-probe@example.com';
const USER_AGENT = 'SeamProbe/7.3 (erasure e2e)';
const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';

interface StoredRow {
  type: string;
  data: EventData;
  metadata: { accountId?: string; ip?: string; userAgent?: string };
}

describe('the erasure seam in the running service', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('stores no personal value in clear in any event, for every registered event type the flows write', async () => {
    const headers = { 'user-agent': USER_AGENT };
    const registered = await app.inject({ method: 'POST', url: '/v1/accounts', headers, payload: { email: EMAIL, password: PASSWORD } });
    expect(registered.statusCode).toBe(201);
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', headers, payload: { email: EMAIL, password: PASSWORD } });
    const token = login.json<{ accessToken: string }>().accessToken;
    const key = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers,
      token,
      payload: { name: 'Seam probe key', scopes: ['chat'] },
    });
    expect(key.statusCode).toBe(201);
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers,
      payload: { email: EMAIL, password: 'Wrong-Passw0rd!' },
    });
    expect(wrong.statusCode).toBe(401);
    await app.settle();

    // Reads through the seam show the plain values...
    const accountId = registered.json<{ accountId: string }>().accountId;
    const [first] = await app.runtime.eventStore.readStream(`account-${accountId}`);
    expect(first.data.email).toBe(EMAIL);
    expect(first.metadata.userAgent).toBe(USER_AGENT);

    // ...while the log as stored holds none of them, and every personal-looking field is declared.
    const { rows } = await app.runtime.db.query<StoredRow>('SELECT type, data, metadata FROM event_store_events ORDER BY position');
    const stored = JSON.stringify(rows);
    for (const value of [EMAIL, USER_AGENT, 'Seam probe key']) expect(stored).not.toContain(value);
    const registeredTypes = new Set(app.runtime.catalog.entries().map(([type]) => type));
    const seen = new Set(rows.map((row) => row.type));
    expect([...seen].filter((type) => !registeredTypes.has(type) && !type.startsWith('uniqueness.'))).toEqual([]);
    for (const row of rows) {
      expect({ type: row.type, undeclared: undeclaredPersonalFields(row.data, app.runtime.catalog.personalPaths(row.type)) }).toEqual({
        type: row.type,
        undeclared: [],
      });
      if (ownerOf(row as unknown as NewEvent) && row.metadata.userAgent) expect(isSealed(row.metadata.userAgent)).toBe(true);
    }
    expect(seen.has('account.registered') && seen.has('api_key.created')).toBe(true);
  });

  it('serves an api key named like a sealed placeholder, sent with a User-Agent of that shape, and the read side goes on', async () => {
    const lookalike = 'sealed:v2:0';
    const headers = { 'user-agent': lookalike };
    const email = 'seam-lookalike@example.com';
    expect((await app.inject({ method: 'POST', url: '/v1/accounts', headers, payload: { email, password: PASSWORD } })).statusCode).toBe(
      201,
    );
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', headers, payload: { email, password: PASSWORD } });
    const token = login.json<{ accessToken: string }>().accessToken;
    for (const name of [lookalike, 'after the lookalike']) {
      const created = await app.inject({ method: 'POST', url: '/v1/api-keys', headers, token, payload: { name, scopes: ['chat'] } });
      expect(created.statusCode).toBe(201);
    }
    await app.settle();
    const listed = await app.inject({ method: 'GET', url: '/v1/api-keys', token });
    expect(
      listed
        .json<{ items: Array<{ name: string }> }>()
        .items.map((key) => key.name)
        .sort(),
    ).toEqual(['after the lookalike', lookalike]);
    const { projections, reactions } = await app.started.readSide.status();
    expect([...projections, ...reactions].filter((runner) => runner.failed)).toEqual([]);
  });

  it('declares, for every registered event type, only dotted paths (the declaration the seam reads)', () => {
    const entries = app.runtime.catalog.entries();
    expect(entries.length).toBeGreaterThan(10);
    for (const [type, declaration] of entries) {
      expect({ type, ok: Number.isInteger(declaration.version) && declaration.version >= 1 }).toEqual({ type, ok: true });
      for (const path of declaration.personal ?? [])
        expect({ type, path, ok: /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(path) }).toEqual({ type, path, ok: true });
    }
  });
});
