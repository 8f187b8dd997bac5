import { DomainEvent } from '@app/ddd';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const RecoveryEventType = {
  CaseOpened: 'recovery.case_opened',
  EmailCodeSent: 'recovery.email_code_sent',
  EmailCodeChecked: 'recovery.email_code_checked',
  ClaimChecked: 'recovery.claim_checked',
  CaseApproved: 'recovery.case_approved',
  CaseDenied: 'recovery.case_denied',
} as const;

export type RecoveryEventTypeName = (typeof RecoveryEventType)[keyof typeof RecoveryEventType];

/** Schema versions, and the fields of each event's data that are personal (crypto-shredded on erasure). */
export const recoveryEventDeclarations: Readonly<Record<RecoveryEventTypeName, { version: number; personal?: readonly string[] }>> = {
  [RecoveryEventType.CaseOpened]: { version: 1, personal: ['fromEmail', 'accountEmail', 'subject', 'body'] },
  [RecoveryEventType.EmailCodeSent]: { version: 1 },
  [RecoveryEventType.EmailCodeChecked]: { version: 1 },
  [RecoveryEventType.ClaimChecked]: { version: 1 },
  [RecoveryEventType.CaseApproved]: { version: 1 },
  [RecoveryEventType.CaseDenied]: { version: 1, personal: ['reason'] },
};

export const recoveryEventVersions: Readonly<Record<RecoveryEventTypeName, number>> = Object.fromEntries(
  Object.entries(recoveryEventDeclarations).map(([type, declaration]) => [type, declaration.version]),
) as Record<RecoveryEventTypeName, number>;

export const RECOVERY_EVENT_PREFIX = 'recovery.';

export type LostFactor = 'password' | 'mfa' | 'both';
export type CheckName = 'recentActivity' | 'paymentLast4' | 'accountCreatedOn';
export type RecentActivityKind = 'api_key_name' | 'sign_in_ip' | 'service_used';
export type CheckResult = 'match' | 'mismatch';

export const CHECK_NAMES: readonly CheckName[] = ['recentActivity', 'paymentLast4', 'accountCreatedOn'];
export const RECENT_ACTIVITY_KINDS: readonly RecentActivityKind[] = ['api_key_name', 'sign_in_ip', 'service_used'];

/**
 * A case opened from an "Account Recovery Request" email. `accountEmail` is the address the person
 * named (normalised); `senderMatchesAccount` whether `fromEmail` is that account's own address.
 */
export type RecoveryCaseOpened = DomainEvent<
  typeof RecoveryEventType.CaseOpened,
  {
    readonly caseId: string;
    readonly accountId: string;
    readonly fromEmail: string;
    readonly accountEmail: string;
    readonly subject: string;
    readonly body: string;
    readonly lost: LostFactor;
    readonly senderMatchesAccount: boolean;
    readonly dueBy: string;
  }
>;

/** A code went to the account's own address. The code is derived from `codeId` by HMAC; never stored. */
export type RecoveryEmailCodeSent = DomainEvent<
  typeof RecoveryEventType.EmailCodeSent,
  { readonly codeId: string; readonly expiresAt: string }
>;

/** The code read back to support; the code given is not kept. */
export type RecoveryEmailCodeChecked = DomainEvent<
  typeof RecoveryEventType.EmailCodeChecked,
  { readonly codeId: string | null; readonly result: CheckResult; readonly attempt: number }
>;

/** One claim compared with the record; neither the claim nor the true value is kept. */
export type RecoveryClaimChecked = DomainEvent<
  typeof RecoveryEventType.ClaimChecked,
  { readonly check: CheckName; readonly kind: RecentActivityKind | null; readonly result: CheckResult; readonly attempt: number }
>;

export type RecoveryCaseApproved = DomainEvent<
  typeof RecoveryEventType.CaseApproved,
  { readonly resetPassword: boolean; readonly resetMfa: boolean }
>;

export type RecoveryCaseDenied = DomainEvent<typeof RecoveryEventType.CaseDenied, { readonly reason: string }>;

export type RecoveryEvent =
  RecoveryCaseOpened | RecoveryEmailCodeSent | RecoveryEmailCodeChecked | RecoveryClaimChecked | RecoveryCaseApproved | RecoveryCaseDenied;

/** One stream per case; the account it is about is in every event's metadata (`accountId`). */
export const recoveryCaseStream = (caseId: string): string => `recovery_case-${caseId}`;
