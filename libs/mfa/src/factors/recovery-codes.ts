import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { deriveKey } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { NewRecoveryCodes } from '../domain/mfa.decider';
import {
  formatRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_LENGTH,
  RECOVERY_CODES_PER_SET,
} from '../domain/recovery-code-format';

export interface IssuedRecoveryCodes extends NewRecoveryCodes {
  /** Shown once in the answer; never stored, logged or put in an event. */
  readonly codes: readonly string[];
}

/**
 * Recovery codes carry about 59 bits each. They are stored as HMAC-SHA-256 under a key derived from
 * DATA_ENCRYPTION_KEY and bound to the account, so the log alone does not allow guessing them offline
 * (a plain hash of 59 bits could be searched), and a code of one account is nothing for another.
 */
@Injectable()
export class RecoveryCodes {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.key = deriveKey(config.dataEncryptionKey, 'mfa-recovery-code/v1');
  }

  issue(accountId: string): IssuedRecoveryCodes {
    const codes: string[] = [];
    while (codes.length < RECOVERY_CODES_PER_SET) {
      let symbols = '';
      // randomInt is uniform (rejection sampling inside), so every symbol carries log2(31) bits.
      for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) symbols += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
      const code = formatRecoveryCode(symbols);
      if (!codes.includes(code)) codes.push(code);
    }
    return { setId: randomUUID(), codes, hashes: codes.map((code) => this.hash(accountId, code)) };
  }

  hash(accountId: string, code: string): string {
    return createHmac('sha256', this.key)
      .update(`${accountId}:${normaliseRecoveryCode(code)}`, 'utf8')
      .digest('base64url');
  }
}
