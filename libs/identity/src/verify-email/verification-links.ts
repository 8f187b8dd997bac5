import { Inject, Injectable } from '@nestjs/common';
import { deriveKey, hmacBase64Url } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { constantTimeEquals } from '@app/security';

/**
 * Verification tokens are not stored anywhere: `<accountId>.<HMAC(key, accountId, email)>`, with a key
 * derived from JWT_SECRET. The mail job re-derives the same link on a retry, and a link made for an
 * address the account no longer has stops working by itself.
 */
@Injectable()
export class VerificationLinks {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: ResolvedConfig) {
    this.key = deriveKey(config.jwtSecret, 'email-verification/v1');
  }

  token(accountId: string, email: string): string {
    return `${accountId}.${this.mac(accountId, email)}`;
  }

  link(accountId: string, email: string): string {
    return `${this.config.publicUrl}/verify-email?token=${encodeURIComponent(this.token(accountId, email))}`;
  }

  /** The account a token names, before its MAC is checked against that account's current email. */
  accountIdOf(token: string): string | null {
    const match = /^([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{43})$/.exec(token);
    return match ? match[1] : null;
  }

  matches(token: string, accountId: string, email: string): boolean {
    return constantTimeEquals(token, this.token(accountId, email));
  }

  private mac(accountId: string, email: string): string {
    return hmacBase64Url(this.key, `${accountId}\n${email}`);
  }
}
