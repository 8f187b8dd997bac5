import { createTemporaryDatabase, describeWithEnv, TemporaryDatabase } from '@app/testing';
import { createTestApp, TestApp } from '@app/test-app';
import { createKey, Holder, signUp, supportAgent, verify } from './api-keys.helpers';

const BOUND_MS = 60_000;

/** Polls verify on an instance until it answers `status`; the time from the call to that answer. */
async function delayUntil(app: TestApp, key: string, status: number, endpoint = 'chat.completions'): Promise<number> {
  const started = performance.now();
  for (;;) {
    const response = await verify(app, key, endpoint);
    const elapsed = performance.now() - started;
    if (response.statusCode === status) return elapsed;
    if (elapsed > BOUND_MS) throw new Error(`still ${response.statusCode} after ${BOUND_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const report = (what: string, delays: number[]) =>
  process.stdout.write(
    `[api-keys propagation] ${what}: ${delays.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (max ${Math.max(...delays).toFixed(0)} ms)\n`,
  );

describeWithEnv('DATABASE_URL', 'API key changes reach every api instance (two instances on one PostgreSQL)', (serverUrl) => {
  let database: TemporaryDatabase;
  let writer: TestApp;
  let other: TestApp;
  let holder: Holder;

  beforeAll(async () => {
    database = await createTemporaryDatabase(serverUrl, 'apikeys');
    const env = { DATABASE_URL: database.url, BOOTSTRAP_ADMIN_EMAIL: 'root@example.com' };
    // The first runs the read side too (as the worker would); the second only serves, like a production api replica.
    writer = await createTestApp({ env });
    other = await createTestApp({ env, readSide: false });
    holder = await signUp(writer, 'two-instances@example.com');
  }, 60_000);

  afterAll(async () => {
    await other?.close();
    await writer?.close();
    await database?.drop();
  });

  it('a key revoked on one instance is refused by the other within the bound (measured)', async () => {
    const delays: number[] = [];
    for (let trial = 0; trial < 5; trial++) {
      const issued = await createKey(writer, holder);
      expect((await verify(other, issued.key)).statusCode).toBe(200);
      const revoked = await writer.inject({ method: 'POST', url: `/v1/api-keys/${issued.id}/revoke`, token: holder.token });
      expect(revoked.statusCode).toBe(204);
      delays.push(await delayUntil(other, issued.key, 401));
    }
    report('revocation seen by the other instance', delays);
    expect(Math.max(...delays)).toBeLessThan(BOUND_MS);
  }, 120_000);

  it('a new key works on the other instance at once, and a scope change reaches it within the bound', async () => {
    const issued = await createKey(writer, holder, { scopes: ['chat'] });
    expect((await verify(other, issued.key)).statusCode).toBe(200);
    expect((await verify(other, issued.key, 'video')).statusCode).toBe(403);
    const changed = await writer.inject({
      method: 'PATCH',
      url: `/v1/api-keys/${issued.id}`,
      token: holder.token,
      payload: { scopes: ['video'] },
    });
    expect(changed.statusCode).toBe(200);
    const delay = await delayUntil(other, issued.key, 403, 'chat');
    expect((await verify(other, issued.key, 'video')).statusCode).toBe(200);
    report('scope change seen by the other instance', [delay]);
    expect(delay).toBeLessThan(BOUND_MS);
  }, 120_000);

  it('a rotation with no grace period and a suspension reach the other instance within the bound', async () => {
    const issued = await createKey(writer, holder);
    expect((await verify(other, issued.key)).statusCode).toBe(200);
    const rotated = await writer.inject({
      method: 'POST',
      url: `/v1/api-keys/${issued.id}/rotate`,
      token: holder.token,
      payload: { gracePeriodSeconds: 0 },
    });
    expect(rotated.statusCode).toBe(201);
    const rotation = await delayUntil(other, issued.key, 401);
    const fresh = rotated.json<{ key: string }>().key;
    expect((await verify(other, fresh)).statusCode).toBe(200);

    const agent = await supportAgent(writer, 'root@example.com');
    const suspended = await writer.inject({
      method: 'POST',
      url: `/v1/support/accounts/${holder.accountId}/suspend`,
      token: agent.token,
      payload: { reason: 'propagation test' },
    });
    expect(suspended.statusCode).toBe(204);
    const suspension = await delayUntil(other, fresh, 403);
    expect((await verify(other, fresh)).json()).toMatchObject({ error: 'account_suspended' });
    report('rotation (no grace) and suspension seen by the other instance', [rotation, suspension]);
    expect(Math.max(rotation, suspension)).toBeLessThan(BOUND_MS);
  }, 120_000);
});
