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

/**
 * `setTimeout` keeps its delay in a signed 32-bit integer: anything longer (24.8 days) fires after 1 ms
 * instead, with only a warning. A monthly cron is up to 31 days ahead, a delayed erasure 30 days.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Calls `fire` once `at` (ms since the epoch) has come, in steps a timer can hold. */
export function timerUntil(at: number, fire: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const wait = at - Date.now();
    timer = wait > MAX_TIMER_DELAY_MS ? setTimeout(arm, MAX_TIMER_DELAY_MS) : setTimeout(fire, Math.max(0, wait));
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

/**
 * Calls `occur(runAt)` at every occurrence of `schedule` until cancelled; an `everyMs` schedule also
 * at once. Each occurrence names its own instant, so processes sharing a queue derive the same job id.
 */
export function followSchedule(schedule: Schedule, occur: (runAt: number) => void): { cancel(): void } {
  const nextRunAt = nextRunFunction(schedule);
  let cancelled = false;
  let current: { cancel(): void } | undefined;
  const plan = (runAt: number): void => {
    current = timerUntil(runAt, () => {
      if (cancelled) return;
      occur(runAt);
      plan(nextRunAt(Math.max(Date.now(), runAt + 1)));
    });
  };
  plan('everyMs' in schedule ? Date.now() : nextRunAt(Date.now()));
  return {
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
}
