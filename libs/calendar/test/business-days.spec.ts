import { addBusinessDays, isBusinessDay, utcDateOf } from '@app/calendar';

describe('addBusinessDays (UTC, weekends and holidays skipped, time of day kept)', () => {
  it('takes a Friday to the Tuesday after, at the same time of day', () => {
    expect(addBusinessDays(new Date('2026-12-04T16:45:12.345Z'), 2).toISOString()).toBe('2026-12-08T16:45:12.345Z');
  });

  it('takes a Tuesday to the Thursday', () => {
    expect(addBusinessDays(new Date('2026-12-01T09:00:00Z'), 2).toISOString()).toBe('2026-12-03T09:00:00.000Z');
  });

  it('skips a configured holiday', () => {
    expect(addBusinessDays(new Date('2026-12-23T10:00:00Z'), 2, ['2026-12-24', '2026-12-25']).toISOString()).toBe(
      '2026-12-29T10:00:00.000Z',
    );
    expect(addBusinessDays(new Date('2026-12-23T10:00:00Z'), 2).toISOString()).toBe('2026-12-25T10:00:00.000Z');
  });

  it('counts from a weekend day to the business days after it', () => {
    expect(addBusinessDays(new Date('2026-12-05T08:00:00Z'), 2).toISOString()).toBe('2026-12-08T08:00:00.000Z');
  });

  it('reads the day in UTC, not in the local zone (late Friday UTC is still Friday)', () => {
    expect(addBusinessDays(new Date('2026-12-04T23:59:00Z'), 1).toISOString()).toBe('2026-12-07T23:59:00.000Z');
  });

  it('takes holidays as a set too, and zero days is the same instant', () => {
    expect(addBusinessDays(new Date('2026-12-31T12:00:00Z'), 1, new Set(['2027-01-01'])).toISOString()).toBe('2027-01-04T12:00:00.000Z');
    expect(addBusinessDays(new Date('2026-12-05T08:00:00Z'), 0).toISOString()).toBe('2026-12-05T08:00:00.000Z');
  });

  it('refuses a negative or fractional count and an invalid date', () => {
    expect(() => addBusinessDays(new Date('2026-12-01T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessDays(new Date('2026-12-01T00:00:00Z'), 1.5)).toThrow(RangeError);
    expect(() => addBusinessDays(new Date('nope'), 1)).toThrow(RangeError);
  });
});

describe('isBusinessDay and utcDateOf', () => {
  it('knows weekends and holidays', () => {
    expect(isBusinessDay(new Date('2026-12-04T12:00:00Z'))).toBe(true);
    expect(isBusinessDay(new Date('2026-12-06T12:00:00Z'))).toBe(false);
    expect(isBusinessDay(new Date('2026-12-25T12:00:00Z'), ['2026-12-25'])).toBe(false);
    expect(utcDateOf(new Date('2026-12-25T23:59:59Z'))).toBe('2026-12-25');
  });
});
