import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/core';
import { Clock, systemContext } from '@app/ddd';
import { JobHandler } from '@app/messaging';
import { WorkerSchedule } from '@app/projections';
import { previousPeriod } from '../domain/billing-period-close.decider';
import { PeriodCloser } from './period-closer';

export const CLOSE_PREVIOUS_PERIOD_JOB = 'close-previous-period';

/**
 * At 00:00 UTC on `BILLING_CLOSE_DAY` of every month, the month before is closed: by then late usage of
 * its last days has landed. A cron (not `everyMs`) so processes sharing a queue enqueue one job id per
 * occurrence; a failed run retries, and a rerun issues only what is missing.
 */
export function periodCloseSchedule(closeDay: number): WorkerSchedule {
  return {
    name: 'billing-period-close',
    schedule: { cron: `0 0 ${closeDay} * *` },
    job: { name: CLOSE_PREVIOUS_PERIOD_JOB, payload: {}, attempts: 5, backoff: { type: 'exponential', delayMs: 60_000 } },
  };
}

@Injectable()
export class ScheduledPeriodClose {
  constructor(
    private readonly closer: PeriodCloser,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  handler(): JobHandler {
    return async (job) => {
      await this.closer.close(previousPeriod(this.clock.now()), systemContext(job.id));
    };
  }
}
