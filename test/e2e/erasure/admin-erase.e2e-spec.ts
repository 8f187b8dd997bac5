import { ERASED, verifyStreamIntegrity } from '@app/event-store';
import { AccountStates } from '@app/identity';
import { createTestApp, TestApp, TEST_SERVICE_TOKEN } from '@app/test-app';
import { Holder, PASSWORD } from '../api-keys/api-keys.helpers';
import { staffMember } from '../audit/staff.helpers';

const EMAIL = 'leaving-holder@example.com';
const USER_AGENT = 'LeavingProbe/2.1 (erasure e2e)';
const KEY_NAME = 'Leaving holder key';

describe('erasure by an admin (POST /v1/admin/accounts/:id/erase)', () => {
  let app: TestApp;
  const logLines: string[] = [];
  let admin: Holder;

  beforeAll(async () => {
    app = await createTestApp({ env: { BOOTSTRAP_ADMIN_EMAIL: 'chief@example.com', LOG_LEVEL: 'info' }, logLines });
    admin = await staffMember(app, 'chief@example.com', ['admin', 'auditor']);
  });
  afterAll(() => app.close());

  it('erases at once: every chain still verifies, no event, read model, export or log line holds the email, address or key name, and the email registers again', async () => {
    const headers = { 'user-agent': USER_AGENT };
    const registered = await app.inject({ method: 'POST', url: '/v1/accounts', headers, payload: { email: EMAIL, password: PASSWORD } });
    const accountId = registered.json<{ accountId: string }>().accountId;
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', headers, payload: { email: EMAIL, password: PASSWORD } });
    const token = login.json<{ accessToken: string }>().accessToken;
    const created = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers,
      token,
      payload: { name: KEY_NAME, scopes: ['chat'] },
    });
    const key = created.json<{ key: string }>().key;
    await app.settle();
    expect((await app.inject({ method: 'GET', url: '/v1/api-keys', token })).body).toContain(KEY_NAME);

    const refused = await app.inject({ method: 'POST', url: `/v1/admin/accounts/${accountId}/erase`, token, payload: { reason: 'x' } });
    expect(refused.statusCode).toBe(403);
    const erased = await app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${accountId}/erase`,
      token: admin.token,
      payload: { reason: 'the holder asked for erasure (ticket 4711)' },
    });
    expect(erased.statusCode).toBe(204);
    await app.settle();

    expect((await app.inject({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(401);
    // The sign-in above kept the account's state in memory, email in clear: it is not what reads now.
    const accounts = app.started.app.get(AccountStates);
    const [inBatch] = await accounts.loadMany([accountId, admin.accountId]);
    expect([inBatch, await accounts.load(accountId)]).toEqual([0, 1].map(() => expect.objectContaining({ exists: true, email: ERASED })));
    const verify = await app.inject({
      method: 'POST',
      url: '/v1/keys/verify',
      headers: { authorization: `Bearer ${TEST_SERVICE_TOKEN}` },
      payload: { key, endpoint: 'chat' },
    });
    expect(verify.json<{ valid?: boolean }>().valid).not.toBe(true);

    // Every chain of the account verifies, through the auditors' route and the store's own check.
    const chains = await app.inject({ method: 'GET', url: `/v1/audit/accounts/${accountId}/verify`, token: admin.token });
    expect(chains.json()).toMatchObject({ intact: true });
    const { rows: streams } = await app.runtime.db.query<{ stream: string }>(
      `SELECT DISTINCT stream FROM event_store_events WHERE metadata->>'accountId' = $1 OR data->>'accountId' = $1`,
      [accountId],
    );
    expect(streams.length).toBeGreaterThan(2);
    for (const { stream } of streams)
      expect({ stream, intact: (await verifyStreamIntegrity(app.runtime.eventStore, stream)).intact }).toEqual({ stream, intact: true });

    // Reads show "[erased]"; the erasure is in the trail with who did it.
    const [registeredEvent] = await app.runtime.eventStore.readStream(`account-${accountId}`);
    expect(registeredEvent.data.email).toBe('[erased]');
    const exported = await app.inject({ method: 'GET', url: `/v1/audit/accounts/${accountId}/export`, token: admin.token });
    const erasure = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; metadata: { actor: { id: string }; occurredAt: string } })
      .find((event) => event.type === 'account.erased');
    expect(erasure?.metadata.actor.id).toBe(admin.accountId);

    // No trace of the email, the user agent or the key name anywhere.
    const { rows: tables } = await app.runtime.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    const everything: string[] = [exported.body, ...logLines];
    for (const { table_name } of tables) {
      const { rows } = await app.runtime.db.query(`SELECT * FROM "${table_name}"`);
      everything.push(
        `${table_name}: ${JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`,
      );
    }
    for (const secret of [EMAIL, USER_AGENT, KEY_NAME]) {
      expect(everything.filter((text) => text.includes(secret)).map((text) => text.slice(0, 80))).toEqual([]);
    }

    // The address is free again.
    const again = await app.inject({ method: 'POST', url: '/v1/accounts', payload: { email: EMAIL, password: PASSWORD } });
    expect(again.statusCode).toBe(201);
    expect(again.json<{ accountId: string }>().accountId).not.toBe(accountId);
  });
});
