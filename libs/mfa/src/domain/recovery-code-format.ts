/**
 * Recovery codes as a person reads and types them: 12 characters in three groups of four
 * (`7KQM-3XHT-9WPD`), from 31 symbols without the look-alikes 0/O, 1/I/L: 12 × log2(31) ≈ 59 bits.
 */
export const RECOVERY_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const RECOVERY_CODE_LENGTH = 12;
export const RECOVERY_CODE_GROUP = 4;
export const RECOVERY_CODES_PER_SET = 10;

/** The symbols of a code, upper-cased, without the separators a person may type (spaces, hyphens). */
export function normaliseRecoveryCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export function isWellFormedRecoveryCode(raw: string): boolean {
  const code = normaliseRecoveryCode(raw);
  if (code.length !== RECOVERY_CODE_LENGTH) return false;
  for (const symbol of code) if (!RECOVERY_CODE_ALPHABET.includes(symbol)) return false;
  return true;
}

export function formatRecoveryCode(symbols: string): string {
  const groups: string[] = [];
  for (let i = 0; i < symbols.length; i += RECOVERY_CODE_GROUP) groups.push(symbols.slice(i, i + RECOVERY_CODE_GROUP));
  return groups.join('-');
}

export const TOTP_CODE_PATTERN = /^[0-9]{6}$/;
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

/** The RFC 6238 time step of an instant (T0 = 0, X = 30 s). */
export function totpStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_STEP_SECONDS);
}
