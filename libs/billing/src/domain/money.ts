/**
 * Amounts are integers in micro-units (1 USD = 1,000,000). They travel as JS numbers, which are exact
 * integers up to 2^53 (about 9 billion USD); every sum is checked to stay there, and anything that
 * multiplies or divides goes through BigInt, so no floating point touches money.
 */
export const MICROS_PER_UNIT = 1_000_000;

/** One usage record may not exceed 1,000,000 USD: anything above is a bug of the caller. */
export const MAX_RECORD_MICROS = 1_000_000 * MICROS_PER_UNIT;

/** Budgets and caps: up to 1,000,000,000 USD. */
export const MAX_LIMIT_MICROS = 1_000_000_000 * MICROS_PER_UNIT;

export function addMicros(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new RangeError(`amount out of range: ${a} + ${b}`);
  return sum;
}

export function isMicros(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}

/** `amount * numerator / denominator`, rounded up, in integers. */
export function mulDivCeil(amount: number, numerator: number, denominator: number): number {
  const product = BigInt(amount) * BigInt(numerator);
  const divisor = BigInt(denominator);
  const quotient = product / divisor + (product % divisor === 0n ? 0n : 1n);
  return Number(quotient);
}

/** `amount * numerator / denominator`, rounded down, in integers. */
export function mulDivFloor(amount: number, numerator: number, denominator: number): number {
  return Number((BigInt(amount) * BigInt(numerator)) / BigInt(denominator));
}

/** `12_340_000` -> `12.34`, `1_500` -> `0.0015`: at least two decimals, no rounding, no floating point. */
export function formatMicros(micros: number): string {
  const whole = Math.trunc(micros / MICROS_PER_UNIT);
  const fraction = String(Math.abs(micros % MICROS_PER_UNIT)).padStart(6, '0');
  const trimmed = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${micros < 0 && whole === 0 ? '-' : ''}${whole}.${trimmed}`;
}
