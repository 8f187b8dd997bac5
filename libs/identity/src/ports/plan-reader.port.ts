/** The plans of design.md; billing owns which one an account is on. */
export type Plan = 'basic' | 'professional' | 'enterprise';

/**
 * Which plan an account is on, for `GET /v1/me`. Billing provides it (`{ provide: PlanReader, ... }` in
 * its module) from its own consistent state. Until a context provides it, every account is on `basic`:
 * design.md's "a new account starts on basic", and nothing can move an account off it yet.
 */
export abstract class PlanReader {
  abstract planOf(accountId: string): Promise<Plan>;
}

export const STARTING_PLAN: Plan = 'basic';
