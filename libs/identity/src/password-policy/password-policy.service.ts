import { Injectable } from '@nestjs/common';
import { checkPasswordPolicy, PasswordPolicy } from '../domain/password-policy';
import { WeakPasswordError } from '../domain/account.errors';
import { defaultPasswordPolicy } from './common-words';

/** The policy with its word lists loaded once at start-up; throws `weak_password` with every violation. */
@Injectable()
export class PasswordRules {
  readonly policy: PasswordPolicy = defaultPasswordPolicy();

  assertAcceptable(password: string, email: string): void {
    const violations = checkPasswordPolicy(password, { email }, this.policy);
    if (violations.length > 0) throw new WeakPasswordError(violations);
  }
}
