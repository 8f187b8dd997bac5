import { createHmac } from 'node:crypto';
import * as bcrypt from 'bcrypt';

/**
 * bcrypt reads at most 72 bytes. Every password is first HMAC-SHA-256'd and base64-encoded (44 ASCII
 * bytes, no NUL), so all 128 allowed characters count and nothing is silently truncated.
 */
const PRE_HASH_KEY = 'account-service/password-prehash/v1';

function preHash(password: string): string {
  return createHmac('sha256', PRE_HASH_KEY).update(password, 'utf8').digest('base64');
}

export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(private readonly cost: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(preHash(password), this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(preHash(password), hash);
  }

  /** Same work as a real check, for unknown emails and password-less accounts: timing reveals nothing. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash(preHash('dummy password for timing equality'), this.cost);
    await bcrypt.compare(preHash(password), await this.dummyHash);
    return false;
  }
}
