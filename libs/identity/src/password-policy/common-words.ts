import { dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en';
import { DEFAULT_PASSWORD_RULES, DictionaryMatcher, PasswordPolicy } from '../domain/password-policy';

let matcher: DictionaryMatcher | undefined;

/**
 * The common-password list of `@zxcvbn-ts/language-common` and the common-word list of
 * `@zxcvbn-ts/language-en`. Both packages ship their lists compressed and decompress them when first
 * required (about 70 ms), so this builds the matcher once per process and keeps it.
 */
export function commonWordMatcher(): DictionaryMatcher {
  matcher ??= new DictionaryMatcher([...commonDictionary['passwords-common'], ...englishDictionary['commonWords-en']]);
  return matcher;
}

/** The design's password policy (12 to 128 characters, classes, email, dictionary). */
export function defaultPasswordPolicy(): PasswordPolicy {
  return { ...DEFAULT_PASSWORD_RULES, dictionary: commonWordMatcher() };
}
