import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PlanReader, STARTING_PLAN, Plan } from './plan-reader.port';
import { SecondFactorStatus } from './second-factor-status.port';
import { SignInLockReset } from './sign-in-lock-reset.port';

/**
 * The ports identity asks other contexts, resolved from the whole app once it is built (their
 * providers live in modules that depend on this one, so they cannot be injected here). Each absent one
 * answers what is true without its context, as documented on the port.
 */
@Injectable()
export class IdentityPorts implements OnApplicationBootstrap {
  private plans: PlanReader | null = null;
  private secondFactors: SecondFactorStatus | null = null;
  private lockReset: SignInLockReset | null = null;

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    this.plans = this.find(PlanReader);
    this.secondFactors = this.find(SecondFactorStatus);
    this.lockReset = this.find(SignInLockReset);
  }

  planOf(accountId: string): Promise<Plan> {
    return this.plans ? this.plans.planOf(accountId) : Promise.resolve(STARTING_PLAN);
  }

  hasSecondFactor(accountId: string): Promise<boolean> {
    return this.secondFactors ? this.secondFactors.hasSecondFactor(accountId) : Promise.resolve(false);
  }

  async clearSignInLock(...args: Parameters<SignInLockReset['clearAfterPasswordReset']>): Promise<void> {
    if (this.lockReset) await this.lockReset.clearAfterPasswordReset(...args);
  }

  private find<T>(token: abstract new (...args: never[]) => T): T | null {
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch {
      return null;
    }
  }
}
