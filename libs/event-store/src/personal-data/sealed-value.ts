import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

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

/**
 * IVs are cut from a pool filled 4 KiB at a time: `randomBytes(12)` per value cost 3 µs (as much as the
 * AES-GCM cipher itself), the pool 0.1 µs. The bytes are the same CSPRNG output, used once each.
 */
const IV_POOL_BYTES = IV_BYTES * 341;
let ivPool = Buffer.alloc(0);
let ivOffset = IV_POOL_BYTES;
function freshIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomFillSync(Buffer.allocUnsafe(IV_POOL_BYTES));
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
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
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(keyId));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${keyId}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

/** Opens a value sealed by `sealValue` under `key`; throws when it was not sealed with it. */
export function openValue(key: Buffer, sealed: string): unknown {
  // indexOf and one update() (GCM is a stream mode: final() yields nothing, it checks the tag) instead
  // of split and Buffer.concat: 7.7 against 9.4 µs per value.
  const keyEnd = sealed.indexOf(':', PREFIX.length);
  const ivEnd = keyEnd < 0 ? -1 : sealed.indexOf(':', keyEnd + 1);
  if (keyEnd <= PREFIX.length || ivEnd <= keyEnd + 1 || ivEnd === sealed.length - 1 || sealed.includes(':', ivEnd + 1)) {
    throw new Error('not a sealed value');
  }
  const bytes = Buffer.from(sealed.slice(ivEnd + 1), 'base64url');
  if (bytes.length < TAG_BYTES) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.slice(keyEnd + 1, ivEnd), 'base64url'));
  decipher.setAAD(associatedData(sealed.slice(PREFIX.length, keyEnd)));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  const plain = decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES));
  decipher.final();
  return JSON.parse(plain.toString('utf8')) as unknown;
}
