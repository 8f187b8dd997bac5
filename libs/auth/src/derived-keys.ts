import { createHmac } from 'node:crypto';

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
