import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, resolveSecrets } from '@app/config';
import { closeRuntime, openRuntime } from '@app/core';
import pino from 'pino';

describe('openRuntime on the embedded default (no DATABASE_URL, no REDIS_URL)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'open-runtime-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps jobs in DATA_DIR, so a job not yet run when the process stops is still there after a restart', async () => {
    const config = resolveSecrets(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    const logger = pino({ level: 'silent' });

    const first = await openRuntime(config, logger);
    expect(first.queue.adapter).toBe('sql');
    await first.queue.enqueue('open-runtime-spec', 'remind', { accountId: 'a-1' }, { jobId: 'remind:e-1' });
    await closeRuntime(first);

    const second = await openRuntime(config, logger);
    try {
      expect(await second.queue.counts('open-runtime-spec')).toMatchObject({ waiting: 1 });
      const runs: unknown[] = [];
      second.queue.registerWorker('open-runtime-spec', async (job) => void runs.push(job.payload));
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 30_000;
        const check = () =>
          runs.length > 0 ? resolve() : Date.now() > deadline ? reject(new Error('the job did not run')) : setTimeout(check, 25);
        check();
      });
      expect(runs).toEqual([{ accountId: 'a-1' }]);
    } finally {
      await closeRuntime(second);
    }
  });
});
