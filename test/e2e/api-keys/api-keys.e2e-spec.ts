import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { createKey, Holder, signIn, signUp, verify } from './api-keys.helpers';

const LISTING_FIELDS = ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'rotationDue', 'scopes', 'stale', 'status'];
const DAY = 86_400;

describe('API keys over HTTP: the account holder', () => {
  let app: TestApp;
  let clock: ManualClock;
  let ada: Holder;
  let bob: Holder;

  beforeAll(async () => {
    clock = new ManualClock('2026-01-05T09:00:00.000Z');
    app = await createTestApp({ clock });
    ada = await signUp(app, 'ada@example.com');
    bob = await signUp(app, 'bob@example.com');
  });

  afterAll(() => app.close());

  const list = (holder: Holder, query = '') => app.inject({ method: 'GET', url: `/v1/api-keys${query}`, token: holder.token });
  const get = (holder: Holder, id: string) => app.inject({ method: 'GET', url: `/v1/api-keys/${id}`, token: holder.token });
  const patch = (holder: Holder, id: string, payload: unknown) =>
    app.inject({ method: 'PATCH', url: `/v1/api-keys/${id}`, token: holder.token, payload });
  const revoke = (holder: Holder, id: string) => app.inject({ method: 'POST', url: `/v1/api-keys/${id}/revoke`, token: holder.token });
  const rotate = (holder: Holder, id: string, gracePeriodSeconds: unknown) =>
    app.inject({ method: 'POST', url: `/v1/api-keys/${id}/rotate`, token: holder.token, payload: { gracePeriodSeconds } });
  const listed = async (holder: Holder, id: string) => {
    await app.settle();
    const response = await get(holder, id);
    expect(response.statusCode).toBe(200);
    return response.json();
  };
  const advance = async (seconds: number) => {
    clock.advanceSeconds(seconds);
    ada.token = await signIn(app, ada.email);
    bob.token = await signIn(app, bob.email);
  };

  describe('create', () => {
    it('answers 201 with the key, shown this once, and keeps only its hash', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        token: ada.token,
        payload: { name: 'production-chatbot-server-1', scopes: ['chat', 'models'], expiresAt: '2026-12-31T00:00:00Z' },
      });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9A-Za-z]{22}$/),
        name: 'production-chatbot-server-1',
        prefix: body.key.slice(0, 12),
        scopes: ['chat', 'models'],
        key: expect.stringMatching(/^mmx_[0-9A-Za-z]{50}$/),
        createdAt: clock.now().toISOString(),
        expiresAt: '2026-12-31T00:00:00.000Z',
      });
      const [created] = await app.runtime.eventStore.readStream(`api_key-${body.id}`);
      expect(created).toMatchObject({
        type: 'api_key.created',
        metadata: { accountId: ada.accountId, actor: { kind: 'account', id: ada.accountId } },
      });
      expect(JSON.stringify(created, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))).not.toContain(
        body.key.slice(12),
      );
      const view = await listed(ada, body.id);
      expect(JSON.stringify(view)).not.toContain(body.key.slice(12));
    });

    it('refuses a scope that is not in API_SCOPES, naming it', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        token: ada.token,
        payload: { name: 'x', scopes: ['chat', 'audio'] },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'invalid_request',
        message: expect.any(String),
        details: [{ field: 'scopes[1]', message: expect.stringContaining('audio') }],
      });
    });

    it.each([
      ['an unknown field', { name: 'x', scopes: ['chat'], admin: true }],
      ['a missing field', { name: 'x' }],
      ['a wrong type', { name: 'x', scopes: 'chat' }],
      ['no scope at all', { name: 'x', scopes: [] }],
      ['a blank name', { name: '   ', scopes: ['chat'] }],
      ['an expiry in the past', { name: 'x', scopes: ['chat'], expiresAt: '2026-01-01T00:00:00Z' }],
      ['an expiry that is not an instant', { name: 'x', scopes: ['chat'], expiresAt: 'next tuesday' }],
    ])('refuses %s with 400 invalid_request and details', async (_case, payload) => {
      const response = await app.inject({ method: 'POST', url: '/v1/api-keys', token: ada.token, payload });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        error: 'invalid_request',
        details: expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]),
      });
    });

    it('needs a signed-in account holder', async () => {
      const anonymous = await app.inject({ method: 'POST', url: '/v1/api-keys', payload: { name: 'x', scopes: ['chat'] } });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toMatchObject({ error: 'unauthorized' });
      const listing = await app.inject({ method: 'GET', url: '/v1/api-keys', token: 'not-a-token' });
      expect(listing.statusCode).toBe(401);
    });
  });

  describe('list and view', () => {
    it('lists every key of the account with exactly the contract fields, newest first', async () => {
      const holder = await signUp(app, 'lister@example.com');
      const first = await createKey(app, holder, { name: 'first' });
      clock.advanceSeconds(1);
      const second = await createKey(app, holder, { name: 'second', scopes: ['video'] });
      await app.settle();
      const response = await list(holder);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['items', 'nextCursor']);
      expect(body.nextCursor).toBeNull();
      expect(body.items.map((item: { id: string }) => item.id)).toEqual([second.id, first.id]);
      for (const item of body.items) expect(Object.keys(item).sort()).toEqual(LISTING_FIELDS);
      expect(body.items[1]).toEqual({
        id: first.id,
        name: 'first',
        prefix: first.prefix,
        createdAt: first.createdAt,
        lastUsedAt: null,
        expiresAt: null,
        scopes: ['chat'],
        status: 'active',
        stale: false,
        rotationDue: false,
      });
    });

    it('pages with limit and cursor, and filters by status', async () => {
      const holder = await signUp(app, 'pager@example.com');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.unshift((await createKey(app, holder, { name: `key-${i}` })).id);
        clock.advanceSeconds(1);
      }
      expect((await revoke(holder, ids[1])).statusCode).toBe(204);
      await app.settle();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = (
          await list(holder, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(ids);
      const revoked = (await list(holder, '?status=revoked')).json();
      expect(revoked.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([[ids[1], 'revoked']]);
      const active = (await list(holder, '?status=active')).json();
      expect(active.items.map((item: { id: string }) => item.id)).toEqual(ids.filter((id) => id !== ids[1]));

      const expiring = await createKey(app, holder, {
        name: 'short-lived',
        expiresAt: new Date(clock.now().getTime() + 10_000).toISOString(),
      });
      await app.settle();
      expect((await list(holder, '?status=expired')).json().items).toEqual([]);
      clock.advanceSeconds(10);
      const expired = (await list(holder, '?status=expired')).json();
      expect(expired.items.map((item: { id: string; status: string }) => [item.id, item.status])).toEqual([[expiring.id, 'expired']]);
      expect((await list(holder, '?status=active')).json().items.map((item: { id: string }) => item.id)).not.toContain(expiring.id);
      const everything = (await list(holder, '?status=&cursor=&limit=')).json();
      expect(everything.items).toHaveLength(6);
    });

    // Cursors of the issued shape holding what the database cannot compare: Date.parse accepts more than PostgreSQL does.
    const forgedCursor = (createdAt: string, keyId: string) =>
      `?cursor=${Buffer.from(JSON.stringify([createdAt, keyId])).toString('base64url')}`;
    it.each([
      ['?status=paused'],
      ['?limit=0'],
      ['?limit=101'],
      ['?limit=ten'],
      ['?cursor=bm90LWEtY3Vyc29y'],
      ['?colour=red'],
      [forgedCursor('1', 'AAAAAAAAAAAAAAAAAAAAAA')],
      [forgedCursor('+275760-09-13T00:00:00.000Z', 'AAAAAAAAAAAAAAAAAAAAAA')],
      [forgedCursor('2026-01-01T00:00:00.000Z\u0000', 'AAAAAAAAAAAAAAAAAAAAAA')],
      [forgedCursor('2026-01-01T00:00:00.000Z', 'a\u0000b')],
    ])('refuses %s with 400 invalid_request', async (query) => {
      const response = await list(ada, query);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request' });
    });

    it("answers 404 not_found for another account's key, on every route, as for a missing one", async () => {
      const adasKey = await createKey(app, ada, { name: 'private' });
      await app.settle();
      for (const response of [
        await get(bob, adasKey.id),
        await patch(bob, adasKey.id, { name: 'mine now' }),
        await revoke(bob, adasKey.id),
        await rotate(bob, adasKey.id, 0),
        await get(bob, 'AAAAAAAAAAAAAAAAAAAAAA'),
        await get(bob, 'not-an-id'),
      ]) {
        expect(response.statusCode).toBe(404);
        expect(response.json()).toMatchObject({ error: 'not_found' });
      }
      expect((await verify(app, adasKey.key)).statusCode).toBe(200);
      expect((await list(bob)).json().items.map((item: { id: string }) => item.id)).not.toContain(adasKey.id);
    });
  });

  describe('update', () => {
    it('renames and changes scopes; verify follows the new scopes', async () => {
      const issued = await createKey(app, ada, { name: 'old name', scopes: ['chat'] });
      expect((await verify(app, issued.key, 'video.generate')).statusCode).toBe(403);
      const response = await patch(ada, issued.id, { name: 'new name', scopes: ['chat', 'video'] });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: issued.id, name: 'new name', scopes: ['chat', 'video'], status: 'active' });
      expect(await listed(ada, issued.id)).toMatchObject({ name: 'new name', scopes: ['chat', 'video'] });
      expect((await verify(app, issued.key, 'video.generate')).statusCode).toBe(200);
    });

    it('refuses an unknown scope and unknown fields, and a revoked key', async () => {
      const issued = await createKey(app, ada);
      expect((await patch(ada, issued.id, { scopes: ['audio'] })).json()).toMatchObject({
        error: 'invalid_request',
        details: [{ field: 'scopes[0]' }],
      });
      expect((await patch(ada, issued.id, { status: 'active' })).statusCode).toBe(400);
      await revoke(ada, issued.id);
      const response = await patch(ada, issued.id, { name: 'too late' });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: 'api_key_inactive' });
    });
  });

  describe('revoke', () => {
    it('answers 204, stops the key at once and shows it as revoked', async () => {
      const issued = await createKey(app, ada);
      expect((await verify(app, issued.key)).statusCode).toBe(200);
      expect((await revoke(ada, issued.id)).statusCode).toBe(204);
      expect((await verify(app, issued.key)).json()).toEqual({ error: 'invalid_key', message: expect.any(String) });
      expect(await listed(ada, issued.id)).toMatchObject({ status: 'revoked' });
      expect((await revoke(ada, issued.id)).statusCode).toBe(204);
    });
  });

  describe('rotate', () => {
    it('issues a new key like create, and the old one works only until the grace period ends', async () => {
      const old = await createKey(app, ada, { name: 'rotating', scopes: ['chat', 'video'], expiresAt: '2026-06-01T00:00:00Z' });
      const response = await rotate(ada, old.id, 3600);
      expect(response.statusCode).toBe(201);
      const fresh = response.json();
      expect(fresh).toEqual({
        id: expect.not.stringMatching(old.id),
        name: 'rotating',
        prefix: fresh.key.slice(0, 12),
        scopes: ['chat', 'video'],
        key: expect.stringMatching(/^mmx_[0-9A-Za-z]{50}$/),
        createdAt: clock.now().toISOString(),
        expiresAt: '2026-06-01T00:00:00.000Z',
      });
      expect((await verify(app, old.key)).statusCode).toBe(200);
      expect((await verify(app, fresh.key)).statusCode).toBe(200);
      expect(await listed(ada, old.id)).toMatchObject({
        status: 'active',
        expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
      });

      clock.advanceSeconds(3599);
      expect((await verify(app, old.key)).statusCode).toBe(200);
      clock.advanceSeconds(1);
      expect((await verify(app, old.key)).json()).toMatchObject({ error: 'invalid_key' });
      expect((await verify(app, fresh.key)).statusCode).toBe(200);
      ada.token = await signIn(app, ada.email);
      expect(await listed(ada, old.id)).toMatchObject({ status: 'expired' });
      expect(await listed(ada, fresh.id)).toMatchObject({ status: 'active' });
    });

    it('stops the old key at once when it is revoked during its grace period', async () => {
      const old = await createKey(app, ada);
      const fresh = (await rotate(ada, old.id, 7 * DAY)).json();
      expect((await verify(app, old.key)).statusCode).toBe(200);
      expect((await revoke(ada, old.id)).statusCode).toBe(204);
      expect((await verify(app, old.key)).json()).toMatchObject({ error: 'invalid_key' });
      expect((await verify(app, fresh.key)).statusCode).toBe(200);
    });

    it('never keeps the old key past its own expiry', async () => {
      const expiresAt = new Date(clock.now().getTime() + 600_000).toISOString();
      const old = await createKey(app, ada, { expiresAt });
      expect((await rotate(ada, old.id, 7 * DAY)).statusCode).toBe(201);
      expect(await listed(ada, old.id)).toMatchObject({ expiresAt, status: 'active' });
      clock.advanceSeconds(600);
      expect((await verify(app, old.key)).statusCode).toBe(401);
      ada.token = await signIn(app, ada.email);
    });

    it('refuses a grace period over 7 days, a second rotation and a revoked key', async () => {
      const old = await createKey(app, ada);
      expect((await rotate(ada, old.id, 7 * DAY + 1)).json()).toMatchObject({
        error: 'invalid_request',
        details: [{ field: 'gracePeriodSeconds' }],
      });
      expect((await rotate(ada, old.id, '60')).statusCode).toBe(400);
      expect((await rotate(ada, old.id, 60)).statusCode).toBe(201);
      expect((await rotate(ada, old.id, 60)).json()).toMatchObject({ error: 'api_key_already_rotated' });
      const revoked = await createKey(app, ada);
      await revoke(ada, revoked.id);
      expect((await rotate(ada, revoked.id, 60)).json()).toMatchObject({ error: 'api_key_inactive' });
    });
  });

  describe('last used, stale and due for rotation', () => {
    it('shows the minute of the first use within a second, and moves forward with later uses', async () => {
      const issued = await createKey(app, ada);
      await app.settle();
      expect((await get(ada, issued.id)).json().lastUsedAt).toBeNull();
      const minute = (at: Date) => new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();

      const firstUse = clock.now();
      expect((await verify(app, issued.key)).statusCode).toBe(200);
      const started = performance.now();
      while ((await get(ada, issued.id)).json().lastUsedAt === null) {
        expect(performance.now() - started).toBeLessThan(1_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await get(ada, issued.id)).json().lastUsedAt).toBe(minute(firstUse));

      clock.advanceSeconds(120);
      const laterUse = clock.now();
      expect((await verify(app, issued.key)).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      ada.token = await signIn(app, ada.email);
      expect((await get(ada, issued.id)).json().lastUsedAt).toBe(minute(laterUse));
    });

    it('flags a key unused for API_KEY_STALE_SECONDS as stale, and any key older than 90 days as due for rotation', async () => {
      const holder = await signUp(app, 'old-keys@example.com');
      const unused = await createKey(app, holder, { name: 'unused' });
      const used = await createKey(app, holder, { name: 'used' });
      await advance(89 * DAY);
      holder.token = await signIn(app, holder.email);
      expect(await listed(holder, unused.id)).toMatchObject({ stale: false, rotationDue: false });
      await advance(2 * DAY);
      holder.token = await signIn(app, holder.email);
      expect((await verify(app, used.key)).statusCode).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await listed(holder, unused.id)).toMatchObject({ stale: true, rotationDue: true, status: 'active' });
      expect(await listed(holder, used.id)).toMatchObject({ stale: false, rotationDue: true });
    });
  });
});
