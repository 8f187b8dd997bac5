import { DomainEvent, EventDeclarations } from '@app/ddd';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const MfaEventType = {
  TotpEnrolmentStarted: 'mfa.totp_enrolment_started',
  TotpConfirmed: 'mfa.totp_confirmed',
  TotpUsed: 'mfa.totp_used',
  WebauthnRegistered: 'mfa.webauthn_registered',
  WebauthnUsed: 'mfa.webauthn_used',
  WebauthnCloneSuspected: 'mfa.webauthn_clone_suspected',
  FactorRemoved: 'mfa.factor_removed',
  RecoveryCodesGenerated: 'mfa.recovery_codes_generated',
  RecoveryCodeUsed: 'mfa.recovery_code_used',
  RecoveryCodesVoided: 'mfa.recovery_codes_voided',
  SecondStepCompleted: 'mfa.second_step_completed',
  Reset: 'mfa.reset',
} as const;

export type MfaEventTypeName = (typeof MfaEventType)[keyof typeof MfaEventType];

/** Schema version and personal fields of every event of this context. */
export const mfaEventDeclarations: EventDeclarations<MfaEventTypeName> = {
  [MfaEventType.TotpEnrolmentStarted]: { version: 1, personal: ['nickname'] },
  [MfaEventType.TotpConfirmed]: { version: 1 },
  [MfaEventType.TotpUsed]: { version: 1 },
  [MfaEventType.WebauthnRegistered]: { version: 1, personal: ['nickname'] },
  [MfaEventType.WebauthnUsed]: { version: 1 },
  [MfaEventType.WebauthnCloneSuspected]: { version: 1 },
  [MfaEventType.FactorRemoved]: { version: 1 },
  [MfaEventType.RecoveryCodesGenerated]: { version: 1 },
  [MfaEventType.RecoveryCodeUsed]: { version: 1 },
  [MfaEventType.RecoveryCodesVoided]: { version: 1 },
  [MfaEventType.SecondStepCompleted]: { version: 1 },
  [MfaEventType.Reset]: { version: 1 },
};

/** Every event type of this context starts with this (log subscriptions filter on it). */
export const MFA_EVENT_PREFIX = 'mfa.';

export type FactorType = 'totp' | 'webauthn';

/**
 * A TOTP factor is pending until confirmed with a current code, and expires unused at `expiresAt`.
 * `sealedSecret` is the base32 secret sealed with DATA_ENCRYPTION_KEY (SecretBox): the plain secret
 * never enters the log.
 */
export type TotpEnrolmentStarted = DomainEvent<
  typeof MfaEventType.TotpEnrolmentStarted,
  { readonly factorId: string; readonly sealedSecret: string; readonly nickname: string; readonly expiresAt: string }
>;

/** `step` is the time step of the accepted code: codes of that step or earlier are never accepted again. */
export type TotpConfirmed = DomainEvent<typeof MfaEventType.TotpConfirmed, { readonly factorId: string; readonly step: number }>;

export type TotpUsed = DomainEvent<typeof MfaEventType.TotpUsed, { readonly factorId: string; readonly step: number }>;

/**
 * The credential id and its COSE public key (base64url), the signature counter it reported, and the id
 * of the registration challenge it answered (so that challenge never registers a key again). Nothing
 * else from the device is kept.
 */
export type WebauthnRegistered = DomainEvent<
  typeof MfaEventType.WebauthnRegistered,
  {
    readonly factorId: string;
    readonly credentialId: string;
    readonly publicKey: string;
    readonly counter: number;
    readonly nickname: string;
    readonly challengeId: string;
    readonly challengeExpiresAt: string;
  }
>;

export type WebauthnUsed = DomainEvent<
  typeof MfaEventType.WebauthnUsed,
  { readonly factorId: string; readonly counter: number; readonly challengeId: string; readonly challengeExpiresAt: string }
>;

/**
 * A correctly signed assertion whose signature counter did not move forward: the key may have been
 * cloned. The assertion was refused; the key stays registered; the owner is mailed.
 */
export type WebauthnCloneSuspected = DomainEvent<
  typeof MfaEventType.WebauthnCloneSuspected,
  { readonly factorId: string; readonly storedCounter: number; readonly receivedCounter: number }
>;

export type FactorRemoved = DomainEvent<typeof MfaEventType.FactorRemoved, { readonly factorId: string; readonly type: FactorType }>;

/**
 * A new set of recovery codes replaces any earlier one. `hashes` are HMAC-SHA-256 of each normalised
 * code under a server key (see recovery-codes.ts); the codes themselves are shown once and never stored.
 */
export type RecoveryCodesGenerated = DomainEvent<
  typeof MfaEventType.RecoveryCodesGenerated,
  { readonly setId: string; readonly hashes: readonly string[]; readonly reason: 'first_factor' | 'regenerated' }
>;

export type RecoveryCodeUsed = DomainEvent<typeof MfaEventType.RecoveryCodeUsed, { readonly setId: string; readonly index: number }>;

/** The last factor was removed: MFA is off and the codes no longer work. */
export type RecoveryCodesVoided = DomainEvent<typeof MfaEventType.RecoveryCodesVoided, { readonly setId: string }>;

export type SecondStepMethod = 'totp' | 'webauthn' | 'recovery_code';

/**
 * A sign-in's second step succeeded (appended with the factor's use): the audit trail's record of which
 * method completed it, and what spends the sign-in's mfaToken (its `signInId` is refused afterwards).
 */
export type SecondStepCompleted = DomainEvent<
  typeof MfaEventType.SecondStepCompleted,
  { readonly signInId: string; readonly method: SecondStepMethod; readonly factorId: string | null; readonly signInExpiresAt: string }
>;

/**
 * Every factor, pending enrolment and recovery code of the account gone at once, on the authority of an
 * approved recovery case (`caseId`): MFA is off. Used challenges and completed sign-ins stay spent.
 */
export type MfaReset = DomainEvent<
  typeof MfaEventType.Reset,
  { readonly caseId: string; readonly factorIds: readonly string[]; readonly recoveryCodeSetId: string | null }
>;

export type MfaEvent =
  | TotpEnrolmentStarted
  | TotpConfirmed
  | TotpUsed
  | WebauthnRegistered
  | WebauthnUsed
  | WebauthnCloneSuspected
  | FactorRemoved
  | RecoveryCodesGenerated
  | RecoveryCodeUsed
  | RecoveryCodesVoided
  | SecondStepCompleted
  | MfaReset;

/** One stream per account: every factor, the recovery codes and their uses. */
export const mfaStream = (accountId: string): string => `mfa-${accountId}`;
