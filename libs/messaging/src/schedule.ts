import { CronExpressionParser } from 'cron-parser';
import { Schedule } from './job-queue';

/**
 * The time of the first occurrence of `schedule` strictly after `after` (ms since the epoch). `everyMs`
 * occurrences are aligned on multiples of `everyMs`, so every process computes the same instants (and
 * so the same job ids). Throws at once on a malformed cron expression.
 */
export function nextRunFunction(schedule: Schedule): (after: number) => number {
  if ('everyMs' in schedule) {
    const every = schedule.everyMs;
    return (after) => Math.floor(after / every) * every + every;
  }
  const { cron, tz = 'UTC' } = schedule;
  CronExpressionParser.parse(cron, { tz });
  return (after) =>
    CronExpressionParser.parse(cron, { currentDate: new Date(after), tz })
      .next()
      .getTime();
}
