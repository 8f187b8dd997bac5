import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { deriveKey } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { constantTimeEquals } from '@app/security';

const MAC_BYTES = 32;
const MAX_TOKEN_LENGTH = 256;
const ID = '[A-Za-z0-9-]{1,64}';

export interface PasswordResetTokenIds {
  readonly accountId: string;
  readonly requestId: string;
}

/**
 * Reset tokens are not stored anywhere: base64url(`<accountId>.<requestId>` bytes || HMAC-SHA-256(key,
 * accountId, requestId, email)), with a key derived from JWT_SECRET for this purpose only. The request
 * id is in the `account.password_reset_requested` event, so the mail job derives the same link on
 * every retry, and the confirm step recomputes the MAC from the account's current email. Whether the
 * request can still be used (latest, unused, not expired) is the account's state, not the token's.
 */
@Injectable()
export class PasswordResetLinks {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: ResolvedConfig) {
    this.key = deriveKey(config.jwtSecret, 'password-reset/v1');
  }

  token(accountId: string, requestId: string, email: string): string {
    const ids = Buffer.from(`${accountId}.${requestId}`, 'utf8');
    return Buffer.concat([ids, this.mac(accountId, requestId, email)]).toString('base64url');
  }

  link(accountId: string, requestId: string, email: string): string {
    return `${this.config.publicUrl}/reset-password?token=${this.token(accountId, requestId, email)}`;
  }

  /** The account and request a token names, before its MAC is checked against that account's current email. */
  idsOf(token: string): PasswordResetTokenIds | null {
    if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    // Node's decoder is lenient (stray trailing bits): only the canonical spelling of the bytes counts.
    if (bytes.length <= MAC_BYTES || bytes.toString('base64url') !== token) return null;
    const match = new RegExp(`^(${ID})\\.(${ID})$`).exec(bytes.subarray(0, bytes.length - MAC_BYTES).toString('utf8'));
    return match ? { accountId: match[1], requestId: match[2] } : null;
  }

  matches(token: string, ids: PasswordResetTokenIds, email: string): boolean {
    return constantTimeEquals(token, this.token(ids.accountId, ids.requestId, email));
  }

  private mac(accountId: string, requestId: string, email: string): Buffer {
    return createHmac('sha256', this.key).update(`${accountId}\n${requestId}\n${email}`, 'utf8').digest();
  }
}
