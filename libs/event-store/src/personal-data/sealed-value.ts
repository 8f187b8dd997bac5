import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** What a sealed field reads as once its account's data key is destroyed. */
export const ERASED = '[erased]';

/** `sealed:v1:<keyId>:<iv>:<ciphertext+tag>`, base64url parts: it says it is sealed and with which key. */
const PREFIX = 'sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const aadByKeyId = new Map<string, Buffer>();
function associatedData(keyId: string): Buffer {
  let aad = aadByKeyId.get(keyId);
  if (!aad) {
    aad = Buffer.from(keyId, 'utf8');
    if (aadByKeyId.size > 10_000) aadByKeyId.clear();
    aadByKeyId.set(keyId, aad);
  }
  return aad;
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

/** The id of the data key a sealed value names, or undefined for anything else. */
export function sealedKeyId(value: unknown): string | undefined {
  if (!isSealed(value)) return undefined;
  const end = value.indexOf(':', PREFIX.length);
  return end < 0 ? undefined : value.slice(PREFIX.length, end);
}

/**
 * AES-256-GCM over the JSON of the value (so numbers and objects come back as they were), with the key
 * id as associated data: a sealed value moved under another key's name does not open.
 */
export function sealValue(key: Buffer, keyId: string, value: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(keyId));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${keyId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

/** Opens a value sealed by `sealValue` under `key`; throws when it was not sealed with it. */
export function openValue(key: Buffer, sealed: string): unknown {
  const [keyId, iv, body] = sealed.slice(PREFIX.length).split(':');
  if (!keyId || !iv || !body) throw new Error('not a sealed value');
  const bytes = Buffer.from(body, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(associatedData(keyId));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  const plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as unknown;
}
