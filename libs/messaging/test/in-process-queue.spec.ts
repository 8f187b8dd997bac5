import { InProcessJobQueue, QueuedJob } from '@app/messaging';
import { eventually, sleep } from './eventually';
import { jobQueueContract } from './job-queue.contract';

describe('in-process job queue', () => {
  jobQueueContract(() => new InProcessJobQueue());

  it('forgets a completed job id after the retention window, so the id can run again', async () => {
    const jobs = new InProcessJobQueue({ completedRetentionSeconds: 0.2 });
    const runs: QueuedJob[] = [];
    jobs.registerWorker('q', async (job) => void runs.push(job));
    try {
      await jobs.enqueue('q', 'mail', { n: 1 }, { jobId: 'same' });
      await eventually(() => expect(runs).toHaveLength(1));
      await jobs.enqueue('q', 'mail', { n: 2 }, { jobId: 'same' });
      await sleep(300);
      await jobs.enqueue('q', 'mail', { n: 3 }, { jobId: 'same' });
      await eventually(() => expect(runs).toHaveLength(2));
      expect(runs.map((run) => run.payload)).toEqual([{ n: 1 }, { n: 3 }]);
    } finally {
      await jobs.close();
    }
  });
});
