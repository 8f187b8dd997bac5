import { DomainEvent, StaffRole } from '@app/ddd';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const AccountEventType = {
  Registered: 'account.registered',
  EmailVerified: 'account.email_verified',
  PasswordChanged: 'account.password_changed',
  StaffRolesChanged: 'account.staff_roles_changed',
  Suspended: 'account.suspended',
  Reinstated: 'account.reinstated',
  IdentityLinked: 'account.identity_linked',
  IdentityUnlinked: 'account.identity_unlinked',
  PasswordResetRequested: 'account.password_reset_requested',
  PasswordResetCompleted: 'account.password_reset_completed',
  Erased: 'account.erased',
  Closed: 'account.closed',
  Reopened: 'account.reopened',
} as const;

/**
 * Types the old layout wrote into account streams (sessions and mirrored sign-in failures now live in
 * the sessions context's streams). Only development data holds them; the fold skips them.
 */
export const RETIRED_ACCOUNT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'account.session_started',
  'account.session_ended',
  'account.sign_in_failed',
  'account.sign_in_locked',
]);

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

/**
 * The account's personal data was erased: its data key is destroyed (every personal field of its events
 * reads "[erased]"), its read-model rows are blanked and its email is free again. Who and when are the
 * event's actor and instant; `reason` is what the admin gave (no personal data: it is kept in clear).
 */
export type AccountErased = DomainEvent<
  typeof AccountEventType.Erased,
  { readonly reason: string; readonly erasedBy: 'admin' | 'schedule' }
>;

/**
 * The holder closed the account (`DELETE /v1/me`): every session ends with it (the session epoch moves
 * on), its keys stop verifying, usage is refused. A completed sign-in before `erasureDueAt`
 * (ERASURE_GRACE_SECONDS after closing, as configured then) reopens it; from that instant it reads as
 * erased and the erasure schedule erases it.
 */
export type AccountClosed = DomainEvent<typeof AccountEventType.Closed, { readonly erasureDueAt: string }>;

/** A completed sign-in (both steps) within the grace period reopened a closed account; its keys stay revoked. */
export type AccountReopened = DomainEvent<typeof AccountEventType.Reopened, { readonly method: string }>;

export type AccountEvent =
  | AccountRegistered
  | AccountEmailVerified
  | AccountPasswordChanged
  | AccountStaffRolesChanged
  | AccountSuspended
  | AccountReinstated
  | AccountIdentityLinked
  | AccountIdentityUnlinked
  | AccountPasswordResetRequested
  | AccountPasswordResetCompleted
  | AccountErased
  | AccountClosed
  | AccountReopened;

export type AccountEventTypeName = AccountEvent['type'];

export const accountStream = (accountId: string): string => `account-${accountId}`;

export const ACCOUNT_STREAM_PREFIX = 'account-';
