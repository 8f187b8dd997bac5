import { createHmac } from 'node:crypto';

/**
 * An implementation of RFC 6238 (and RFC 4226's truncation) written for the tests, independent of the
 * service's otplib: codes the tests type are computed here, and this file is checked against the RFC's
 * own test vectors (reference-totp.spec.ts).
 */
export function hotp(key: Buffer, counter: number, digits = 6, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac(algorithm, key).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary =
    ((digest[offset] & 0x7f) << 24) |
    ((digest[offset + 1] & 0xff) << 16) |
    ((digest[offset + 2] & 0xff) << 8) |
    (digest[offset + 3] & 0xff);
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpAt(
  key: Buffer,
  unixSeconds: number,
  options: { digits?: number; algorithm?: 'sha1' | 'sha256' | 'sha512'; step?: number } = {},
): string {
  return hotp(key, Math.floor(unixSeconds / (options.step ?? 30)), options.digits ?? 6, options.algorithm ?? 'sha1');
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (the otpauth secret's encoding), padding optional. */
export function base32Decode(encoded: string): Buffer {
  const clean = encoded.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code an authenticator app shows for a base32 secret at an instant. */
export function codeFor(base32Secret: string, at: Date, stepOffset = 0): string {
  return totpAt(base32Decode(base32Secret), Math.floor(at.getTime() / 1000) + stepOffset * 30);
}
