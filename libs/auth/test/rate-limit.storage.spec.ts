import { randomUUID } from 'node:crypto';
import { RedisThrottlerStorage } from '@app/auth';
import { describeWithEnv } from '@app/testing';

describeWithEnv('REDIS_URL', 'rate limit storage in Redis', (redisUrl) => {
  // What these tests count is Redis's: a hit slower than the 100 ms default is counted in memory instead
  // (its own test, at the end), which on a loaded machine made a window restart at 1 in the middle.
  const timeoutMs = 10_000;
  let storage: RedisThrottlerStorage;
  beforeAll(() => {
    storage = new RedisThrottlerStorage({ redisUrl, keyPrefix: `rate-limit-test-${randomUUID()}:`, timeoutMs });
  });
  afterAll(() => storage.close());

  it('counts hits per key within the window and blocks past the limit', async () => {
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await storage.increment('203.0.113.9', 60_000, 3, 60_000, 'per-address'));
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[3].timeToExpire).toBeGreaterThan(0);
    expect(hits[3].timeToExpire).toBeLessThanOrEqual(60);
    expect((await storage.increment('203.0.113.10', 60_000, 3, 60_000, 'per-address')).totalHits).toBe(1);
  });

  it('starts a new window when the old one expires', async () => {
    await storage.increment('short-window', 150, 1, 150, 'per-address');
    expect((await storage.increment('short-window', 150, 1, 150, 'per-address')).isBlocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await storage.increment('short-window', 150, 1, 150, 'per-address')).totalHits).toBe(1);
  });

  it('shares counts between instances (two api processes behind one address see one limit)', async () => {
    const prefix = `rate-limit-test-${randomUUID()}:`;
    const a = new RedisThrottlerStorage({ redisUrl, keyPrefix: prefix, timeoutMs });
    const b = new RedisThrottlerStorage({ redisUrl, keyPrefix: prefix, timeoutMs });
    try {
      await a.increment('shared', 60_000, 2, 60_000, 'per-address');
      await b.increment('shared', 60_000, 2, 60_000, 'per-address');
      expect((await a.increment('shared', 60_000, 2, 60_000, 'per-address')).isBlocked).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('rate limit storage when Redis does not answer', () => {
  it('counts in memory instead, answering within about the timeout', async () => {
    // Nothing listens on port 1: every Redis command fails or times out.
    const storage = new RedisThrottlerStorage({ redisUrl: 'redis://127.0.0.1:1', timeoutMs: 100 });
    try {
      const started = Date.now();
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await storage.increment('203.0.113.11', 60_000, 2, 60_000, 'per-address'));
      const elapsedPerHit = (Date.now() - started) / 3;
      expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
        [1, false],
        [2, false],
        [3, true],
      ]);
      expect(elapsedPerHit).toBeLessThan(300);
    } finally {
      await storage.close();
    }
  });
});
