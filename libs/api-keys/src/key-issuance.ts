import { randomBytes } from 'node:crypto';
import { BASE62_ALPHABET, displayPrefixOf, formatApiKey, hashApiKey, KEY_ID_LENGTH, SECRET_LENGTH } from './domain/api-key-format';

/** Uniform base62 characters from the system CSPRNG (bytes >= 248 are dropped so no character is favoured). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export interface IssuedKey {
  readonly keyId: string;
  /** The full key: returned once in the 201 response, never stored, logged or put in an event. */
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

export function issueApiKey(): IssuedKey {
  const keyId = randomBase62(KEY_ID_LENGTH);
  const key = formatApiKey(keyId, randomBase62(SECRET_LENGTH));
  return { keyId, key, prefix: displayPrefixOf(key), hash: hashApiKey(key) };
}
