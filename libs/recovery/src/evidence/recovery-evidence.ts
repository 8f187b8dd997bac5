import { RequestContext } from '@app/ddd';

/** The account a case is about, as its own context records it. */
export interface RecoveryAccount {
  readonly accountId: string;
  /** Normalised. */
  readonly email: string;
  readonly createdAt: string;
}

/**
 * Where the recovery context reads the record that claims are compared with. Implemented from the other
 * contexts' public entries (`platform-evidence.ts`); the true values never leave the comparison.
 */
export interface RecoveryEvidenceSources {
  accountByEmail(normalisedEmail: string): Promise<RecoveryAccount | null>;
  account(accountId: string): Promise<RecoveryAccount | null>;
  /** The names the account's API keys have now. */
  apiKeyNames(accountId: string): Promise<string[]>;
  /** Addresses that started a session at or after `since`. */
  signInIps(accountId: string, since: Date): Promise<string[]>;
  /** Services with usage in the billing period that holds `now`. */
  servicesUsedThisPeriod(accountId: string, now: Date): Promise<string[]>;
  /** Last four digits of the payment methods on file. */
  paymentLast4(accountId: string): Promise<string[]>;
}

/** What an approved case sets off, through the contexts that own those changes. */
export interface RecoveryActions {
  /** Mails a password reset link to the account's own address. */
  sendPasswordReset(accountId: string, context: RequestContext): Promise<void>;
  /** Removes every second factor of the account, so it signs in with its password alone. */
  resetMfa(accountId: string, caseId: string, context: RequestContext): Promise<void>;
}

export const RECOVERY_EVIDENCE = Symbol('RECOVERY_EVIDENCE');
export const RECOVERY_ACTIONS = Symbol('RECOVERY_ACTIONS');
