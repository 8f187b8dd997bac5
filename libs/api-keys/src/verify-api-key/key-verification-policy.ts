import { Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
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
 * status, expiry, suspension, scope) passed: a port another context provides
 * (`{ provide: KeyVerificationPolicy, useExisting: ... }`), as billing does with its spending cap (429
 * `spending_cap_reached`). It runs on every platform request, so it answers from memory
 * (synchronously), keeping its own state fresh the way the verification cache does; like that cache,
 * it may load on a miss.
 */
export abstract class KeyVerificationPolicy {
  abstract readonly name: string;
  /**
   * A domain error refuses the key; undefined lets it through to the next policy. A promise only while
   * the policy loads what it keeps in memory (a miss), never per call.
   */
  abstract refusal(key: VerifiedKey, now: Date): DomainError | undefined | Promise<DomainError | undefined>;
}

/**
 * The policies verification applies, resolved from the whole app once it is built (the providing
 * module depends on this one, so it cannot be injected here). Without a provider: none.
 */
@Injectable()
export class KeyVerificationPolicies implements OnApplicationBootstrap {
  private policies: readonly KeyVerificationPolicy[] = [];

  constructor(@Optional() private readonly moduleRef?: ModuleRef) {}

  onApplicationBootstrap(): void {
    try {
      this.policies = this.moduleRef ? [this.moduleRef.get(KeyVerificationPolicy, { strict: false })] : [];
    } catch {
      this.policies = [];
    }
  }

  get all(): readonly KeyVerificationPolicy[] {
    return this.policies;
  }
}
