import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { createKey, Holder, signIn, signUp, verify } from './api-keys.helpers';

describe('API keys: the sweep that records expiries in the audit trail', () => {
  let app: TestApp;
  let clock: ManualClock;
  let ada: Holder;
  let runs = 0;

  beforeAll(async () => {
    clock = new ManualClock('2026-01-05T09:00:00.000Z');
    app = await createTestApp({ clock });
    ada = await signUp(app, 'ada@example.com');
  });

  afterAll(() => app.close());

  /** One run of the scheduled job, through the queue as the schedule enqueues it. */
  const sweep = async () => {
    await app.settle();
    await app.runtime.queue.enqueue('api-keys', 'record-key-expiries', {}, { jobId: `expiry-sweep-spec-${++runs}` });
    await app.settle();
  };
  const history = async (keyId: string) =>
    (await app.runtime.eventStore.readStream(`api_key-${keyId}`)).map((event) =>
      event.type === 'api_key.expired' ? `${event.type} ${String(event.data.expiredAt)} by ${event.metadata.actor.kind}` : event.type,
    );

  it('records each key that stopped working once, and nothing for revoked, unexpired or never-expiring keys', async () => {
    const expiring = await createKey(app, ada, { name: 'expiring', expiresAt: '2026-01-05T10:00:00.000Z' });
    const revoked = await createKey(app, ada, { name: 'revoked', expiresAt: '2026-01-05T10:00:00.000Z' });
    const later = await createKey(app, ada, { name: 'later', expiresAt: '2026-01-06T09:00:00.000Z' });
    const forever = await createKey(app, ada, { name: 'forever' });
    const rotating = await createKey(app, ada, { name: 'rotating' });
    const rotated = await app.inject({
      method: 'POST',
      url: `/v1/api-keys/${rotating.id}/rotate`,
      token: ada.token,
      payload: { gracePeriodSeconds: 600 },
    });
    expect(rotated.statusCode).toBe(201);
    expect((await app.inject({ method: 'POST', url: `/v1/api-keys/${revoked.id}/revoke`, token: ada.token })).statusCode).toBe(204);

    await sweep();
    expect(await history(expiring.id)).toEqual(['api_key.created']);

    clock.advanceSeconds(2 * 3600);
    ada.token = await signIn(app, ada.email);
    // Decided when read: the key is refused before any sweep ran.
    expect((await verify(app, expiring.key)).statusCode).toBe(401);

    await sweep();
    expect(await history(expiring.id)).toEqual(['api_key.created', 'api_key.expired 2026-01-05T10:00:00.000Z by system']);
    expect(await history(rotating.id)).toEqual([
      'api_key.created',
      'api_key.rotated',
      'api_key.expired 2026-01-05T09:10:00.000Z by system',
    ]);
    expect(await history(revoked.id)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(await history(later.id)).toEqual(['api_key.created']);
    expect(await history(forever.id)).toEqual(['api_key.created']);
    expect(await history(rotated.json<{ id: string }>().id)).toEqual(['api_key.created']);

    await sweep();
    expect(await history(expiring.id)).toEqual(['api_key.created', 'api_key.expired 2026-01-05T10:00:00.000Z by system']);
    expect(await history(rotating.id)).toHaveLength(3);
  });

  it('changes no decision: the recorded key answers as before, and its listing status is unchanged', async () => {
    const key = await createKey(app, ada, { name: 'short-lived', expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
    clock.advanceSeconds(120);
    ada.token = await signIn(app, ada.email);
    await app.settle();
    const before = (await app.inject({ method: 'GET', url: `/v1/api-keys/${key.id}`, token: ada.token })).json();
    expect(before.status).toBe('expired');

    await sweep();
    expect(await history(key.id)).toEqual(['api_key.created', `api_key.expired ${before.expiresAt} by system`]);
    expect((await app.inject({ method: 'GET', url: `/v1/api-keys/${key.id}`, token: ada.token })).json()).toEqual(before);
    expect((await verify(app, key.key)).statusCode).toBe(401);
  });
});
