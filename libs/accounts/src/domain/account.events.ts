import { DomainEvent } from '@app/ddd';
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
} as const;

export const accountEventVersions: Readonly<Record<string, number>> = {
  [AccountEventType.Registered]: 1,
  [AccountEventType.EmailVerified]: 1,
  [AccountEventType.PasswordChanged]: 1,
  [AccountEventType.SessionStarted]: 1,
  [AccountEventType.SessionEnded]: 1,
  [AccountEventType.SignInFailed]: 1,
  [AccountEventType.SignInLocked]: 1,
  [AccountEventType.StaffRolesChanged]: 1,
  [AccountEventType.Suspended]: 1,
  [AccountEventType.Reinstated]: 1,
};

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

export type SignInMethod = 'password';

export type AccountSessionStarted = DomainEvent<
  typeof AccountEventType.SessionStarted,
  {
    readonly sessionId: string;
    readonly method: SignInMethod;
    /** The absolute end of the session (SESSION_MAX_SECONDS after its start, as configured then). */
    readonly expiresAt: string;
  }
>;

export type SessionEndReason =
  | 'signed_out'
  | 'ended_by_owner'
  | 'password_changed'
  | 'suspended'
  | 'refresh_token_reused';

export type AccountSessionEnded = DomainEvent<
  typeof AccountEventType.SessionEnded,
  { readonly sessionId: string; readonly reason: SessionEndReason }
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
  | AccountReinstated;

export const accountStream = (accountId: string): string => `account-${accountId}`;

export const ACCOUNT_STREAM_PREFIX = 'account-';
