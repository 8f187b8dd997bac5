import { Redis } from 'ioredis';
import { BullMqJobQueue, decodeJobId, encodeJobId } from '@app/messaging';
import { describeWithEnv } from '@app/testing';
import { jobQueueContract } from './job-queue.contract';
import { uniqueName } from './eventually';

describe('BullMQ job ids', () => {
  it('encodes every caller id into one BullMQ accepts, reversibly and without collisions', () => {
    const ids = ['welcome-email:e-1', 'a:b', 'a%3Ab', '42', '-7', '%342', 'plain'];
    const encoded = ids.map(encodeJobId);
    expect(encoded.every((id) => !id.includes(':') && `${parseInt(id, 10)}` !== id)).toBe(true);
    expect(new Set(encoded).size).toBe(ids.length);
    expect(encoded.map(decodeJobId)).toEqual(ids);
  });
});

describeWithEnv('REDIS_URL', 'BullMQ job queue', (redisUrl) => {
  // One key prefix per run: parallel runs against the same Redis never see each other's jobs.
  const prefix = uniqueName('test-bull');
  afterAll(async () => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  jobQueueContract(() => new BullMqJobQueue({ redisUrl, prefix }));
});
