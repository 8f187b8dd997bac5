import { declareEvents, DomainEvent } from '@app/ddd';
import type { StaffRole } from '@app/auth';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const AccountEventType = {
  Registered: 'account.registered',
  EmailVerified: 'account.email_verified',
  PasswordChanged: 'account.password_changed',
  SessionStarted: 'account.session_started',
  SessionEnded: 'account.session_ended',
  SignInFailed: 'account.sign_in_failed',
  SignInLocked: 'account.sign_in_locked',
  StaffRolesChanged: 'account.staff_roles_changed',
  Suspended: 'account.suspended',
  Reinstated: 'account.reinstated',
  IdentityLinked: 'account.identity_linked',
  IdentityUnlinked: 'account.identity_unlinked',
  PasswordResetRequested: 'account.password_reset_requested',
  PasswordResetCompleted: 'account.password_reset_completed',
} as const;

/** Schema versions and personal fields (sealed with the account's data key, see libs/event-store). */
export const accountEventVersions = declareEvents<AccountEvent>()({
  [AccountEventType.Registered]: { version: 1, personal: ['email'] },
  [AccountEventType.EmailVerified]: { version: 1, personal: ['email'] },
  [AccountEventType.PasswordChanged]: { version: 1 },
  [AccountEventType.SessionStarted]: { version: 1 },
  [AccountEventType.SessionEnded]: { version: 1 },
  [AccountEventType.SignInFailed]: { version: 1 },
  [AccountEventType.SignInLocked]: { version: 1 },
  [AccountEventType.StaffRolesChanged]: { version: 1 },
  [AccountEventType.Suspended]: { version: 1 },
  [AccountEventType.Reinstated]: { version: 1 },
  [AccountEventType.IdentityLinked]: { version: 1, personal: ['subject', 'email'] },
  [AccountEventType.IdentityUnlinked]: { version: 1, personal: ['subject'] },
  [AccountEventType.PasswordResetRequested]: { version: 1 },
  [AccountEventType.PasswordResetCompleted]: { version: 1 },
});

export type AccountRegistered = DomainEvent<
  typeof AccountEventType.Registered,
  {
    readonly accountId: string;
    /** Normalised (trimmed, lower-cased). */
    readonly email: string;
    /** bcrypt hash sealed with DATA_ENCRYPTION_KEY; null for an account created by social sign-in. */
    readonly passwordHashSealed: string | null;
  }
>;

export type AccountEmailVerified = DomainEvent<typeof AccountEventType.EmailVerified, { readonly email: string }>;

export type AccountPasswordChanged = DomainEvent<
  typeof AccountEventType.PasswordChanged,
  { readonly passwordHashSealed: string; readonly via: 'change' | 'reset' }
>;

/** `oidc`: through a linked OpenID Connect provider identity (social sign-in). */
export type SignInMethod = 'password' | 'oidc';

export type AccountSessionStarted = DomainEvent<
  typeof AccountEventType.SessionStarted,
  {
    readonly sessionId: string;
    readonly method: SignInMethod;
    /** The absolute end of the session (SESSION_MAX_SECONDS after its start, as configured then). */
    readonly expiresAt: string;
  }
>;

/**
 * `idle` (unused for SESSION_IDLE_SECONDS) and `expired` (past its absolute end) are recorded afterwards
 * by a sweep, for the audit trail only: such a session stopped working at that instant, decided when
 * read from the stored instants and the clock, whether or not the event was ever written.
 */
export type SessionEndReason =
  'signed_out' | 'ended_by_owner' | 'password_changed' | 'suspended' | 'refresh_token_reused' | 'idle' | 'expired';

export type AccountSessionEnded = DomainEvent<
  typeof AccountEventType.SessionEnded,
  {
    readonly sessionId: string;
    readonly reason: SessionEndReason;
    /** Only for `idle` and `expired`: the instant time ended the session, earlier than the event. */
    readonly endedAt?: string;
  }
>;

/**
 * Mirrors of the sign-in guard's events (stream `signin_guard-<sha256(email)>`) so support sees
 * failed sign-ins and locks in the account's own history. `guardRevision` makes the mirror idempotent.
 */
export type AccountSignInFailed = DomainEvent<
  typeof AccountEventType.SignInFailed,
  { readonly failedAt: string; readonly guardStream: string; readonly guardRevision: number }
>;

export type AccountSignInLocked = DomainEvent<
  typeof AccountEventType.SignInLocked,
  { readonly lockedUntil: string; readonly guardStream: string; readonly guardRevision: number }
>;

export type AccountStaffRolesChanged = DomainEvent<
  typeof AccountEventType.StaffRolesChanged,
  { readonly roles: readonly StaffRole[]; readonly previousRoles: readonly StaffRole[] }
>;

export type AccountSuspended = DomainEvent<typeof AccountEventType.Suspended, { readonly reason: string }>;

export type AccountReinstated = DomainEvent<typeof AccountEventType.Reinstated, Record<string, never>>;

/**
 * How an identity came to be linked: `signed_up` (the account was created by its first social sign-in),
 * `verified_email_match` (the provider's verified email equals the account's verified email),
 * `linked_by_owner` (the signed-in owner linked it from settings).
 */
export type IdentityLinkReason = 'signed_up' | 'verified_email_match' | 'linked_by_owner';

/**
 * A provider identity (OpenID Connect issuer + subject) linked to the account. `provider` is the
 * configured name at the time (`google`); `issuer` + `subject` are what identify the person. `email`
 * and `emailVerified` are what the provider asserted at linking. No token of any kind is kept.
 */
export type AccountIdentityLinked = DomainEvent<
  typeof AccountEventType.IdentityLinked,
  {
    readonly provider: string;
    readonly issuer: string;
    readonly subject: string;
    readonly email: string | null;
    readonly emailVerified: boolean;
    readonly via: IdentityLinkReason;
  }
>;

export type AccountIdentityUnlinked = DomainEvent<
  typeof AccountEventType.IdentityUnlinked,
  { readonly provider: string; readonly issuer: string; readonly subject: string }
>;

/**
 * Someone asked for a reset link for this account's email. `requestId` is what the link's token is
 * derived from (by HMAC, in the mail job); the token itself is never stored. The link works until
 * `expiresAt` (PASSWORD_RESET_TTL_SECONDS after the request, as configured then), once, and only while
 * this is the account's latest request.
 */
export type AccountPasswordResetRequested = DomainEvent<
  typeof AccountEventType.PasswordResetRequested,
  { readonly requestId: string; readonly expiresAt: string }
>;

/** The link of `requestId` was used; the new password follows as `account.password_changed` (`via: reset`). */
export type AccountPasswordResetCompleted = DomainEvent<typeof AccountEventType.PasswordResetCompleted, { readonly requestId: string }>;

export type AccountEvent =
  | AccountRegistered
  | AccountEmailVerified
  | AccountPasswordChanged
  | AccountSessionStarted
  | AccountSessionEnded
  | AccountSignInFailed
  | AccountSignInLocked
  | AccountStaffRolesChanged
  | AccountSuspended
  | AccountReinstated
  | AccountIdentityLinked
  | AccountIdentityUnlinked
  | AccountPasswordResetRequested
  | AccountPasswordResetCompleted;

export const accountStream = (accountId: string): string => `account-${accountId}`;

export const ACCOUNT_STREAM_PREFIX = 'account-';
