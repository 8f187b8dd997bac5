import { utc } from '@date-fns/utc';
import { addDays, format, isWeekend } from 'date-fns';

/**
 * Business days: Monday to Friday in UTC, minus the configured holidays (`YYYY-MM-DD`, as
 * `BUSINESS_HOLIDAYS` lists them). Pure: the instant and the holidays are passed in.
 */
export type Holidays = ReadonlySet<string> | readonly string[];

const inUtc = { in: utc };

/** The UTC calendar date of an instant, `YYYY-MM-DD`. */
export function utcDateOf(instant: Date): string {
  return format(instant, 'yyyy-MM-dd', inUtc);
}

export function isBusinessDay(instant: Date, holidays: Holidays = []): boolean {
  if (isWeekend(instant, inUtc)) return false;
  const set = holidays instanceof Set ? holidays : new Set(holidays as readonly string[]);
  return !set.has(utcDateOf(instant));
}

/**
 * The instant `days` business days after `instant`, at the same UTC time of day: each step moves to
 * the next calendar day and keeps moving past weekends and holidays. An instant on a weekend or a
 * holiday counts from there (a Saturday plus 2 business days is the Tuesday).
 */
export function addBusinessDays(instant: Date, days: number, holidays: Holidays = []): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number >= 0, got ${days}`);
  if (Number.isNaN(instant.getTime())) throw new RangeError('instant is not a valid date');
  const set: ReadonlySet<string> = holidays instanceof Set ? holidays : new Set(holidays as readonly string[]);
  let current = new Date(instant.getTime());
  for (let left = days; left > 0;) {
    current = addDays(current, 1, inUtc);
    if (isBusinessDay(current, set)) left -= 1;
  }
  return new Date(current.getTime());
}
