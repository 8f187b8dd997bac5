import { DomainError } from '@app/ddd';

/** What verify answers for a key that passed every rule. */
export interface VerifiedKey {
  readonly valid: true;
  readonly accountId: string;
  readonly keyId: string;
  readonly scopes: readonly string[];
}

/**
 * A rule another context adds to verification, checked after the key's own rules (format, existence,
 * status, expiry, suspension, scope) passed. Billing's spending cap (429 `spending_cap_reached`) is
 * meant to be one: it registers its error code's status and adds the policy from its module's
 * constructor. It runs on every platform request, so it answers from memory (synchronously), keeping
 * its own state fresh the way the verification cache does; like that cache, it may load on a miss.
 */
export interface KeyVerificationPolicy {
  readonly name: string;
  /**
   * A domain error refuses the key; undefined lets it through to the next policy. A promise only while
   * the policy loads what it keeps in memory (a miss), never per call.
   */
  refusal(key: VerifiedKey, now: Date): DomainError | undefined | Promise<DomainError | undefined>;
}

export class KeyVerificationPolicies {
  private readonly policies: KeyVerificationPolicy[] = [];

  add(policy: KeyVerificationPolicy): void {
    if (this.policies.some((existing) => existing.name === policy.name))
      throw new Error(`key verification policy ${policy.name} added twice`);
    this.policies.push(policy);
  }

  get all(): readonly KeyVerificationPolicy[] {
    return this.policies;
  }
}
