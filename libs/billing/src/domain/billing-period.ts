/** Billing periods are calendar months in UTC, named `YYYY-MM`. */
const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: string): boolean {
  return PERIOD_PATTERN.test(value);
}

export function periodOf(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}

export interface PeriodBounds {
  readonly start: Date;
  /** Exclusive: the first instant of the next period. */
  readonly end: Date;
}

export function periodBounds(period: string): PeriodBounds {
  const match = PERIOD_PATTERN.exec(period);
  if (!match) throw new Error(`not a period: ${period}`);
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

/** Whole seconds from `now` to the end of its period, at least 1 (a `Retry-After`). */
export function secondsToPeriodEnd(now: Date): number {
  const { end } = periodBounds(periodOf(now));
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
}

const DAY_MS = 86_400_000;

/**
 * The month's projected total: the spend rate of the period so far, continued to its end, i.e.
 * `monthToDate * periodLength / elapsed`, where elapsed counts at least one day (so a first hour's
 * spend is not multiplied by 700), in integers, and never less than month-to-date.
 */
export function projectedMonthMicros(monthToDateMicros: number, period: PeriodBounds, now: Date): number {
  const length = period.end.getTime() - period.start.getTime();
  const elapsed = Math.min(length, Math.max(DAY_MS, now.getTime() - period.start.getTime()));
  const projected = Number((BigInt(monthToDateMicros) * BigInt(length)) / BigInt(elapsed));
  return Math.max(monthToDateMicros, projected);
}
