import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';

/** Digits of a mailed code: 3 guesses in 10^8 for someone without the mailbox. */
export const EMAIL_CODE_DIGITS = 8;

/**
 * The code mailed for a case is derived from the case and the code's id by HMAC under a key for this use
 * only, so it is never stored (not in an event, a job payload or a table) and a retried mail job sends
 * the same code.
 */
@Injectable()
export class RecoveryEmailCodes {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.key = deriveKey(config.jwtSecret, 'recovery-email-code');
  }

  code(caseId: string, codeId: string): string {
    const digest = createHmac('sha256', this.key).update(`${caseId}:${codeId}`, 'utf8').digest();
    return (digest.readBigUInt64BE(0) % 10n ** BigInt(EMAIL_CODE_DIGITS)).toString().padStart(EMAIL_CODE_DIGITS, '0');
  }

  matches(caseId: string, codeId: string, given: string): boolean {
    const expected = Buffer.from(this.code(caseId, codeId));
    const actual = Buffer.from(given.replace(/[\s-]/g, ''));
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
