import { BullMqJobQueue, QueuedJob } from '@app/messaging';
import { eventually, sleep, uniqueName } from './eventually';
import { findOnPath, freePort, RedisProcess } from '@app/testing';

const redisServer = findOnPath('redis-server');
const describeWithRedisServer = redisServer ? describe : describe.skip;
const title = 'BullMQ job queue while Redis is down';

describeWithRedisServer(redisServer ? title : `${title} [skipped: redis-server is not on PATH]`, () => {
  let redis: RedisProcess;
  let jobs: BullMqJobQueue;
  const runs: QueuedJob[] = [];

  beforeEach(async () => {
    redis = new RedisProcess(redisServer!, await freePort());
    runs.length = 0;
  });
  afterEach(async () => {
    await jobs?.close();
    await redis.kill();
  });

  it('an enqueue made while Redis is down waits, succeeds once Redis is back, and its job runs exactly once', async () => {
    await redis.start();
    jobs = new BullMqJobQueue({ redisUrl: redis.url, prefix: uniqueName('outage') });
    jobs.registerWorker('mail', async (job) => void runs.push(job));
    await jobs.enqueue('mail', 'send', { n: 1 }, { jobId: 'before-outage' });
    await eventually(() => expect(runs.map((run) => run.id)).toEqual(['before-outage']));

    await redis.kill();
    let stored = false;
    const enqueued = jobs.enqueue('mail', 'send', { n: 2 }, { jobId: 'during-outage' }).then(() => (stored = true));
    await sleep(1500);
    expect(stored).toBe(false);

    await redis.start();
    await enqueued;
    await eventually(() => expect(runs.map((run) => run.id)).toEqual(['before-outage', 'during-outage']), 15_000);
    await sleep(500);
    expect(runs).toHaveLength(2);
  });

  it('a producer and a worker started before Redis is up deliver the job once it is', async () => {
    jobs = new BullMqJobQueue({ redisUrl: redis.url, prefix: uniqueName('outage') });
    jobs.registerWorker('mail', async (job) => void runs.push(job));
    const enqueued = jobs.enqueue('mail', 'send', {}, { jobId: 'early' });
    await sleep(1000);

    await redis.start();
    await enqueued;
    await eventually(() => expect(runs.map((run) => run.id)).toEqual(['early']), 15_000);
    await sleep(500);
    expect(runs).toHaveLength(1);
  });

  it('close during an outage lets the running job finish, then returns instead of waiting for Redis', async () => {
    await redis.start();
    jobs = new BullMqJobQueue({ redisUrl: redis.url, prefix: uniqueName('outage'), closeTimeoutMs: 10_000 });
    let finished = false;
    jobs.registerWorker('mail', async (job) => {
      runs.push(job);
      await sleep(800);
      finished = true;
    });
    await jobs.enqueue('mail', 'send', {}, { jobId: 'in-flight' });
    await eventually(() => expect(runs).toHaveLength(1));

    await redis.kill();
    const startedClosing = Date.now();
    await jobs.close();

    expect(finished).toBe(true);
    expect(Date.now() - startedClosing).toBeLessThan(3000);
  });
});
