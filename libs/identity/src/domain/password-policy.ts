/**
 * The password policy of design.md section 3 as one pure function. Every rule broken is reported,
 * so a client can show them all at once. Lengths count Unicode code points, all of them (bcrypt's
 * 72-byte limit is handled by pre-hashing in the hasher, never by truncation).
 */
export type PasswordViolation =
  'too_short' | 'too_long' | 'no_uppercase' | 'no_lowercase' | 'no_digit' | 'no_special' | 'contains_email' | 'dictionary_word';

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  /** The local part of the email counts only from this length on (design: 3). */
  readonly minEmailLocalPartLength: number;
  readonly dictionary: WordMatcher;
}

export interface WordMatcher {
  /** The first dictionary word found in `text` (case-insensitively), or undefined. */
  findWordIn(text: string): string | undefined;
}

export const DEFAULT_PASSWORD_RULES = { minLength: 12, maxLength: 128, minEmailLocalPartLength: 3 } as const;

export function checkPasswordPolicy(password: string, context: { email?: string }, policy: PasswordPolicy): PasswordViolation[] {
  const violations: PasswordViolation[] = [];
  const length = [...password].length;
  if (length < policy.minLength) violations.push('too_short');
  if (length > policy.maxLength) violations.push('too_long');
  if (!/\p{Lu}/u.test(password)) violations.push('no_uppercase');
  if (!/\p{Ll}/u.test(password)) violations.push('no_lowercase');
  if (!/\p{Nd}/u.test(password)) violations.push('no_digit');
  if (!/[^\p{L}\p{N}]/u.test(password)) violations.push('no_special');
  if (context.email !== undefined && containsEmail(password, context.email, policy.minEmailLocalPartLength)) {
    violations.push('contains_email');
  }
  // Only the first 128 code points can matter for acceptance; bounding the scan bounds its cost.
  if (policy.dictionary.findWordIn(password.slice(0, policy.maxLength * 2)) !== undefined) violations.push('dictionary_word');
  return violations;
}

function containsEmail(password: string, email: string, minLocalPartLength: number): boolean {
  const lowered = password.toLowerCase();
  const address = email.trim().toLowerCase();
  if (address.length > 0 && lowered.includes(address)) return true;
  const localPart = address.split('@')[0] ?? '';
  return localPart.length >= minLocalPartLength && lowered.includes(localPart);
}

/**
 * Finds any listed word of `minWordLength`+ letters inside a text, case-insensitively: words are held
 * in one Set per length, and every substring of each length is looked up (about n x lengths lookups,
 * a few thousand for a 128-character password).
 */
export class DictionaryMatcher implements WordMatcher {
  private readonly wordsByLength = new Map<number, Set<string>>();
  private readonly lengths: number[];

  constructor(
    words: Iterable<string>,
    readonly minWordLength = 4,
  ) {
    for (const word of words) {
      for (const run of letterRuns(word.toLowerCase())) {
        if (run.length < minWordLength) continue;
        let bucket = this.wordsByLength.get(run.length);
        if (!bucket) this.wordsByLength.set(run.length, (bucket = new Set()));
        bucket.add(run);
      }
    }
    this.lengths = [...this.wordsByLength.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    let total = 0;
    for (const bucket of this.wordsByLength.values()) total += bucket.size;
    return total;
  }

  findWordIn(text: string): string | undefined {
    const lowered = text.toLowerCase();
    for (let start = 0; start < lowered.length; start++) {
      for (const length of this.lengths) {
        if (start + length > lowered.length) break;
        const candidate = lowered.slice(start, start + length);
        if (this.wordsByLength.get(length)!.has(candidate)) return candidate;
      }
    }
    return undefined;
  }
}

/**
 * The maximal runs of letters of a list entry: `password1` gives `password`, `trustno1` gives
 * `trustno`; entries without 4 letters in a row (`123456`, `1qaz2wsx`) give nothing the rule can use.
 */
function letterRuns(entry: string): string[] {
  return entry.match(/\p{L}+/gu) ?? [];
}
