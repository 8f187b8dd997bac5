import { createHmac, createSecretKey, KeyObject } from 'node:crypto';

/**
 * One key per purpose, derived from JWT_SECRET, so a token made for one purpose (an email link, an
 * MFA step) can never pass as another, and no extra secret has to be configured.
 */
export function deriveKey(jwtSecret: string, purpose: string): Buffer {
  return createHmac('sha256', jwtSecret).update(`account-service/${purpose}`, 'utf8').digest();
}

export function hmacBase64Url(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/**
 * The HS256 key of a JWT secret as a `KeyObject`, with the same key bytes as the string (its UTF-8), so
 * tokens signed either way verify either way. jsonwebtoken 9 handed a string or a Buffer first tries to
 * parse it as a PEM key, which throws, on every sign and verify: 1.1-1.3 ms of CPU each, against 15-20 µs
 * with a `KeyObject` (5,000 of each, side by side, load 6). Every authenticated request verifies one.
 */
export function jwtKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}
