import { createTemporaryDatabase, describeWithEnv, TemporaryDatabase } from '@app/testing';
import { createTestApp, TestApp } from '@app/test-app';
import { createKey, Holder, signUp, verify } from '../api-keys/api-keys.helpers';
import { postUsage, usageRecord } from './billing.helpers';

const BOUND_MS = 1_000;

/** Polls verify on an instance until it answers `status`; the time from `since` to that answer. */
async function delayUntil(app: TestApp, key: string, status: number, since: number): Promise<number> {
  for (;;) {
    const response = await verify(app, key);
    const elapsed = performance.now() - since;
    if (response.statusCode === status) return elapsed;
    if (elapsed > 30_000) throw new Error(`still ${response.statusCode} after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const report = (what: string, delays: number[]) =>
  process.stdout.write(
    `[billing cap propagation] ${what}: ${delays.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (max ${Math.max(...delays).toFixed(0)} ms)\n`,
  );

describeWithEnv('DATABASE_URL', 'the spending cap takes effect on every api instance (two instances on one PostgreSQL)', (serverUrl) => {
  let database: TemporaryDatabase;
  let writer: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    database = await createTemporaryDatabase(serverUrl, 'billingcap');
    const env = { DATABASE_URL: database.url };
    writer = await createTestApp({ env });
    other = await createTestApp({ env, readSide: false });
  }, 120_000);

  afterAll(async () => {
    await other?.close();
    await writer?.close();
    await database?.drop();
  });

  async function cappedHolder(email: string, capMicros: number): Promise<{ holder: Holder; key: string }> {
    const holder = await signUp(writer, email);
    const { key } = await createKey(writer, holder);
    await writer.inject({ method: 'PUT', url: '/v1/billing/plan', token: holder.token, payload: { plan: 'professional' } });
    const set = await writer.inject({ method: 'PUT', url: '/v1/billing/spending-cap', token: holder.token, payload: { capMicros } });
    expect(set.statusCode).toBe(200);
    return { holder, key };
  }

  it('usage that reaches the cap on one instance turns verify to 429 on the other within a second (measured)', async () => {
    const delays: number[] = [];
    for (let trial = 0; trial < 5; trial++) {
      const { holder, key } = await cappedHolder(`cap-${trial}@example.com`, 1_000_000);
      await postUsage(writer, usageRecord(holder.accountId, { amountMicros: 999_999, occurredAt: new Date().toISOString() }));
      expect((await verify(other, key)).statusCode).toBe(200);
      const started = performance.now();
      const crossed = await postUsage(writer, usageRecord(holder.accountId, { amountMicros: 1, occurredAt: new Date().toISOString() }));
      expect(crossed.statusCode).toBe(202);
      delays.push(await delayUntil(other, key, 429, started));
      expect((await verify(other, key)).json()).toMatchObject({ error: 'spending_cap_reached' });
    }
    report('usage reaching the cap, seen by the other instance', delays);
    expect(Math.max(...delays)).toBeLessThan(BOUND_MS);
  }, 120_000);

  it('raising the cap on one instance lets the other accept keys again within a second (measured)', async () => {
    const { holder, key } = await cappedHolder('raise@example.com', 10);
    await postUsage(writer, usageRecord(holder.accountId, { amountMicros: 10, occurredAt: new Date().toISOString() }));
    await delayUntil(other, key, 429, performance.now());
    const started = performance.now();
    const raised = await writer.inject({
      method: 'PUT',
      url: '/v1/billing/spending-cap',
      token: holder.token,
      payload: { capMicros: 1_000 },
    });
    expect(raised.statusCode).toBe(200);
    const delay = await delayUntil(other, key, 200, started);
    report('cap raised, seen by the other instance', [delay]);
    expect(delay).toBeLessThan(BOUND_MS);
  }, 120_000);
});
