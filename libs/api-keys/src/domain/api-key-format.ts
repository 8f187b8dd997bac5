import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The key format, after GitHub's tokens: `mmx_` + key id (22 base62) + secret (22 base62) + CRC32 of
 * everything before it (6 base62). 54 characters, e.g. `mmx_3kTm...`.
 *
 * - The fixed prefix lets secret scanners find leaked keys; the checksum lets them (and the verify
 *   route) refuse a mistyped or made-up key without any lookup.
 * - The secret alone carries 22 * log2(62) = 131 bits of randomness; the id another 131.
 * - The id is not secret (it names the key in URLs and listings): carrying it in the key lets verify
 *   read the key's own stream (`api_key-<id>`) on a cache miss, a strongly consistent source, without
 *   a lookup table that could lag behind a revocation. Only the SHA-256 of the whole key is stored.
 */
export const API_KEY_PREFIX = 'mmx_';
export const KEY_ID_LENGTH = 22;
export const SECRET_LENGTH = 22;
export const CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + KEY_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
/** Listings show the key's first characters (the prefix and 8 characters of the id). */
export const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62 = /^[0-9A-Za-z]+$/;
const KEY_ID = new RegExp(`^[0-9A-Za-z]{${KEY_ID_LENGTH}}$`);

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

function checksumOf(payload: string): string {
  let value = crc32(payload);
  let encoded = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    encoded = BASE62_ALPHABET[value % 62] + encoded;
    value = Math.floor(value / 62);
  }
  return encoded;
}

/** Assembles a key from its id and secret (both base62 of the right length, drawn by the caller). */
export function formatApiKey(keyId: string, secret: string): string {
  if (!isKeyId(keyId)) throw new Error('a key id is 22 base62 characters');
  if (secret.length !== SECRET_LENGTH || !BASE62.test(secret)) throw new Error('a key secret is 22 base62 characters');
  const payload = `${API_KEY_PREFIX}${keyId}${secret}`;
  return payload + checksumOf(payload);
}

export interface ParsedApiKey {
  readonly keyId: string;
}

/** The key's id when `raw` has the format and a matching checksum; `undefined` for anything else. */
export function parseApiKey(raw: string): ParsedApiKey | undefined {
  if (raw.length !== API_KEY_LENGTH || !raw.startsWith(API_KEY_PREFIX)) return undefined;
  if (!BASE62.test(raw.slice(API_KEY_PREFIX.length))) return undefined;
  const checksumAt = API_KEY_LENGTH - CHECKSUM_LENGTH;
  if (checksumOf(raw.slice(0, checksumAt)) !== raw.slice(checksumAt)) return undefined;
  return { keyId: raw.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + KEY_ID_LENGTH) };
}

export function displayPrefixOf(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** What is stored: keys carry 131 bits of randomness, so a fast unsalted hash is enough. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
