import { assertNever, Decider, Occurred } from '@app/ddd';
import type { StaffRole } from '@app/auth';
import {
  AccountExistsError,
  AccountResourceNotFoundError,
  AccountSuspendedError,
  InvalidCurrentPasswordError,
  InvalidTokenError,
  WeakPasswordError,
} from './account.errors';
import { AccountEvent, AccountEventType, AccountSessionEnded, SessionEndReason, SignInMethod } from './account.events';
import { PasswordViolation } from './password-policy';

export interface AccountSession {
  readonly sessionId: string;
  readonly method: SignInMethod;
  readonly startedAt: string;
  readonly expiresAt: string;
}

/** A second factor. MFA is a later issue: no event adds one yet, but sign-in already honours them. */
export interface MfaFactor {
  readonly factorId: string;
  readonly type: 'totp' | 'webauthn';
}

/** A provider identity linked to the account (see `account.identity_linked`). */
export interface LinkedIdentity {
  readonly provider: string;
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  readonly linkedAt: string;
}

/** The account's latest password reset request, while its link can still be used (see `openPasswordReset`). */
export interface PendingPasswordReset {
  readonly requestId: string;
  readonly requestedAt: string;
  readonly expiresAt: string;
}

export interface ExistingAccount {
  readonly exists: true;
  readonly accountId: string;
  readonly email: string;
  readonly emailVerified: boolean;
  /** null: no password (an account created by social sign-in); see `hasPassword`. */
  readonly passwordHashSealed: string | null;
  readonly createdAt: string;
  readonly status: 'active' | 'suspended';
  readonly roles: readonly StaffRole[];
  readonly mfaFactors: readonly MfaFactor[];
  /**
   * Sessions started and not ended by an event, including those past their absolute end (not live:
   * see `liveSessions`) until the sweep records their end.
   */
  readonly sessions: Readonly<Record<string, AccountSession>>;
  /** The last sign-in guard event mirrored into this stream, so a re-driven mirror is a no-op. */
  readonly lastMirroredGuardEvent: { readonly stream: string; readonly revision: number } | null;
  /** Provider identities the account can sign in with, in the order they were linked. */
  readonly identities: readonly LinkedIdentity[];
  /** Voided by a newer request, by its own use, and by any password change. */
  readonly pendingPasswordReset: PendingPasswordReset | null;
}

export type AccountState = { readonly exists: false } | ExistingAccount;

export interface RegisterAccount {
  readonly kind: 'RegisterAccount';
  readonly accountId: string;
  readonly email: string;
  readonly passwordHashSealed: string | null;
  readonly now: Date;
}

export interface VerifyEmail {
  readonly kind: 'VerifyEmail';
  /** The address the verification link was made for. */
  readonly email: string;
}

export interface ChangePassword {
  readonly kind: 'ChangePassword';
  readonly passwordHashSealed: string;
  /** Checked by the handler (bcrypt is I/O-bound work); the rule that it must match lives here. */
  readonly currentPasswordMatches: boolean;
  readonly now: Date;
}

export interface StartSession {
  readonly kind: 'StartSession';
  readonly sessionId: string;
  readonly method: SignInMethod;
  readonly now: Date;
  readonly maxSeconds: number;
}

export interface EndSession {
  readonly kind: 'EndSession';
  readonly sessionId: string;
  readonly reason: Extract<SessionEndReason, 'signed_out' | 'ended_by_owner' | 'refresh_token_reused'>;
  readonly now: Date;
}

export interface EndOtherSessions {
  readonly kind: 'EndOtherSessions';
  readonly keepSessionId: string;
  readonly now: Date;
}

/**
 * For the sweep that writes the audit trail's `idle` / `expired` endings; never needed for a session to
 * stop working. Records an end only if time had decided it by `asOf`, from the session's absolute end
 * and `lastActiveAt` (the activity table's value; null when it has no row, then only the absolute end counts).
 */
export interface RecordSessionEnd {
  readonly kind: 'RecordSessionEnd';
  readonly sessionId: string;
  readonly lastActiveAt: Date | null;
  readonly idleSeconds: number;
  readonly asOf: Date;
}

export type GuardEventToMirror =
  | { readonly revision: number; readonly kind: 'failure'; readonly failedAt: string }
  | { readonly revision: number; readonly kind: 'lock'; readonly lockedUntil: string };

/** Copies the sign-in guard's failures and locks for this account, in order, each exactly once. */
export interface MirrorSignInGuard {
  readonly kind: 'MirrorSignInGuard';
  readonly guardStream: string;
  readonly events: readonly GuardEventToMirror[];
}

export interface SetStaffRoles {
  readonly kind: 'SetStaffRoles';
  readonly roles: readonly StaffRole[];
}

export interface SuspendAccount {
  readonly kind: 'SuspendAccount';
  readonly reason: string;
  readonly now: Date;
}

export interface ReinstateAccount {
  readonly kind: 'ReinstateAccount';
}

/**
 * Recorded for every account that has `email`, suspended or social-only included: what gets mailed is
 * the mail job's call. Nothing for a stream without an account or whose account has another email (a
 * stale or abandoned reservation): the handler then records it as a request for an unknown email.
 */
export interface RequestPasswordReset {
  readonly kind: 'RequestPasswordReset';
  readonly requestId: string;
  /** The normalised email the request was made for. */
  readonly email: string;
  readonly now: Date;
  readonly ttlSeconds: number;
}

/**
 * The new password as the handler found it: the policy needs the word lists (loaded once at start-up),
 * and bcrypt runs only for a password the policy accepts.
 */
export type NewPassword =
  | { readonly accepted: true; readonly passwordHashSealed: string }
  | { readonly accepted: false; readonly violations: readonly PasswordViolation[] };

export interface CompletePasswordReset {
  readonly kind: 'CompletePasswordReset';
  /** From a reset link whose MAC the handler has checked. */
  readonly requestId: string;
  readonly newPassword: NewPassword;
  readonly now: Date;
}

export type AccountCommand =
  | RegisterAccount
  | VerifyEmail
  | ChangePassword
  | StartSession
  | EndSession
  | EndOtherSessions
  | RecordSessionEnd
  | MirrorSignInGuard
  | SetStaffRoles
  | SuspendAccount
  | ReinstateAccount
  | RequestPasswordReset
  | CompletePasswordReset;

export const initialAccountState: AccountState = { exists: false };

const ROLE_ORDER: readonly StaffRole[] = ['support', 'billing', 'auditor', 'admin'];

function canonicalRoles(roles: readonly StaffRole[]): StaffRole[] {
  return ROLE_ORDER.filter((role) => roles.includes(role));
}

/**
 * Whether the account can sign in with a password. The seam for password reset (another issue): for an
 * account without one, the reset mail says to use the provider's button (`identities` names them) and
 * carries no link.
 */
export function hasPassword(account: ExistingAccount): boolean {
  return account.passwordHashSealed !== null;
}

/** Sessions that are started, not ended, and not past their absolute end at `now`. */
export function liveSessions(state: ExistingAccount, now: Date): AccountSession[] {
  return Object.values(state.sessions).filter((session) => Date.parse(session.expiresAt) > now.getTime());
}

/** Staff roles held through events, plus admin for the bootstrap address once it is verified. */
export function effectiveRoles(state: ExistingAccount, bootstrapAdminEmail: string | undefined): StaffRole[] {
  const bootstrap = bootstrapAdminEmail !== undefined && state.emailVerified && state.email === bootstrapAdminEmail.trim().toLowerCase();
  return canonicalRoles(bootstrap ? [...state.roles, 'admin'] : state.roles);
}

/**
 * How time ended a session by `asOf`, if it did: idle once `lastActiveAt + idleSeconds` is reached,
 * expired at its absolute end, whichever came first. The same rule as the session check on every request.
 */
export function sessionEndedByTime(
  session: AccountSession,
  lastActiveAt: Date | null,
  idleSeconds: number,
  asOf: Date,
): { readonly reason: 'idle' | 'expired'; readonly endedAt: string } | null {
  const absoluteEnd = Date.parse(session.expiresAt);
  const idleEnd = lastActiveAt === null ? Infinity : lastActiveAt.getTime() + idleSeconds * 1000;
  const end = Math.min(absoluteEnd, idleEnd);
  if (end > asOf.getTime()) return null;
  return idleEnd < absoluteEnd
    ? { reason: 'idle', endedAt: new Date(idleEnd).toISOString() }
    : { reason: 'expired', endedAt: session.expiresAt };
}

export function evolveAccount(state: AccountState, event: Occurred<AccountEvent>): AccountState {
  if (event.type === AccountEventType.Registered) {
    return {
      exists: true,
      accountId: event.data.accountId,
      email: event.data.email,
      emailVerified: false,
      passwordHashSealed: event.data.passwordHashSealed,
      createdAt: event.occurredAt,
      status: 'active',
      roles: [],
      mfaFactors: [],
      sessions: {},
      lastMirroredGuardEvent: null,
      identities: [],
      pendingPasswordReset: null,
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case AccountEventType.EmailVerified:
      return { ...state, emailVerified: true };
    case AccountEventType.PasswordChanged:
      // Whatever the way, a new password voids an outstanding reset link.
      return { ...state, passwordHashSealed: event.data.passwordHashSealed, pendingPasswordReset: null };
    case AccountEventType.SessionStarted:
      return {
        ...state,
        sessions: {
          ...state.sessions,
          [event.data.sessionId]: {
            sessionId: event.data.sessionId,
            method: event.data.method,
            startedAt: event.occurredAt,
            expiresAt: event.data.expiresAt,
          },
        },
      };
    case AccountEventType.SessionEnded: {
      const { [event.data.sessionId]: _ended, ...rest } = state.sessions;
      return { ...state, sessions: rest };
    }
    case AccountEventType.SignInFailed:
    case AccountEventType.SignInLocked:
      return { ...state, lastMirroredGuardEvent: { stream: event.data.guardStream, revision: event.data.guardRevision } };
    case AccountEventType.StaffRolesChanged:
      return { ...state, roles: canonicalRoles(event.data.roles) };
    case AccountEventType.Suspended:
      return { ...state, status: 'suspended' };
    case AccountEventType.Reinstated:
      return { ...state, status: 'active' };
    case AccountEventType.IdentityLinked: {
      const { provider, issuer, subject, email } = event.data;
      return { ...state, identities: [...state.identities, { provider, issuer, subject, email, linkedAt: event.occurredAt }] };
    }
    case AccountEventType.IdentityUnlinked:
      return {
        ...state,
        identities: state.identities.filter(
          (identity) => !(identity.issuer === event.data.issuer && identity.subject === event.data.subject),
        ),
      };
    case AccountEventType.PasswordResetRequested:
      return {
        ...state,
        pendingPasswordReset: { requestId: event.data.requestId, requestedAt: event.occurredAt, expiresAt: event.data.expiresAt },
      };
    case AccountEventType.PasswordResetCompleted:
      return { ...state, pendingPasswordReset: null };
    default:
      return assertNever(event);
  }
}

function existing(state: AccountState): ExistingAccount {
  if (!state.exists) throw new AccountResourceNotFoundError('account');
  return state;
}

function endAll(state: ExistingAccount, now: Date, reason: SessionEndReason, keep?: string): AccountSessionEnded[] {
  return liveSessions(state, now)
    .filter((session) => session.sessionId !== keep)
    .map((session) => ({ type: AccountEventType.SessionEnded, data: { sessionId: session.sessionId, reason } }));
}

function alreadyMirrored(state: ExistingAccount, stream: string, revision: number): boolean {
  const last = state.lastMirroredGuardEvent;
  return last !== null && last.stream === stream && revision <= last.revision;
}

function mirror(guardStream: string, event: GuardEventToMirror): AccountEvent {
  switch (event.kind) {
    case 'failure':
      return { type: AccountEventType.SignInFailed, data: { failedAt: event.failedAt, guardStream, guardRevision: event.revision } };
    case 'lock':
      return { type: AccountEventType.SignInLocked, data: { lockedUntil: event.lockedUntil, guardStream, guardRevision: event.revision } };
    default:
      return assertNever(event);
  }
}

export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  switch (command.kind) {
    case 'RegisterAccount':
      if (state.exists) throw new AccountExistsError();
      return [
        {
          type: AccountEventType.Registered,
          data: { accountId: command.accountId, email: command.email, passwordHashSealed: command.passwordHashSealed },
        },
      ];
    case 'VerifyEmail': {
      const account = existing(state);
      // A link made for an address the account no longer has proves nothing about the current one.
      if (account.email !== command.email) throw new InvalidTokenError();
      if (account.emailVerified) return [];
      return [{ type: AccountEventType.EmailVerified, data: { email: account.email } }];
    }
    case 'ChangePassword': {
      const account = existing(state);
      if (!command.currentPasswordMatches) throw new InvalidCurrentPasswordError();
      return [
        { type: AccountEventType.PasswordChanged, data: { passwordHashSealed: command.passwordHashSealed, via: 'change' } },
        ...endAll(account, command.now, 'password_changed'),
      ];
    }
    case 'StartSession': {
      const account = existing(state);
      if (account.status === 'suspended') throw new AccountSuspendedError();
      const expiresAt = new Date(command.now.getTime() + command.maxSeconds * 1000).toISOString();
      return [{ type: AccountEventType.SessionStarted, data: { sessionId: command.sessionId, method: command.method, expiresAt } }];
    }
    case 'EndSession': {
      const account = existing(state);
      const live = liveSessions(account, command.now).some((session) => session.sessionId === command.sessionId);
      if (!live) throw new AccountResourceNotFoundError('session');
      return [{ type: AccountEventType.SessionEnded, data: { sessionId: command.sessionId, reason: command.reason } }];
    }
    case 'EndOtherSessions':
      return endAll(existing(state), command.now, 'ended_by_owner', command.keepSessionId);
    case 'RecordSessionEnd': {
      // Nothing for a session already ended by an event (or unknown): a second run records nothing.
      const session = state.exists ? state.sessions[command.sessionId] : undefined;
      const ended = session && sessionEndedByTime(session, command.lastActiveAt, command.idleSeconds, command.asOf);
      if (!ended) return [];
      return [
        { type: AccountEventType.SessionEnded, data: { sessionId: command.sessionId, reason: ended.reason, endedAt: ended.endedAt } },
      ];
    }
    case 'MirrorSignInGuard': {
      const account = existing(state);
      return [...command.events]
        .sort((a, b) => a.revision - b.revision)
        .filter((event) => !alreadyMirrored(account, command.guardStream, event.revision))
        .map((event) => mirror(command.guardStream, event));
    }
    case 'SetStaffRoles': {
      const account = existing(state);
      const roles = canonicalRoles(command.roles);
      if (roles.join() === account.roles.join()) return [];
      return [{ type: AccountEventType.StaffRolesChanged, data: { roles, previousRoles: account.roles } }];
    }
    case 'SuspendAccount': {
      const account = existing(state);
      if (account.status === 'suspended') return [];
      return [{ type: AccountEventType.Suspended, data: { reason: command.reason } }, ...endAll(account, command.now, 'suspended')];
    }
    case 'ReinstateAccount': {
      const account = existing(state);
      if (account.status === 'active') return [];
      return [{ type: AccountEventType.Reinstated, data: {} }];
    }
    case 'RequestPasswordReset': {
      if (!state.exists || state.email !== command.email) return [];
      const expiresAt = new Date(command.now.getTime() + command.ttlSeconds * 1000).toISOString();
      return [{ type: AccountEventType.PasswordResetRequested, data: { requestId: command.requestId, expiresAt } }];
    }
    case 'CompletePasswordReset': {
      const account = openPasswordReset(state, command.requestId, command.now);
      // After the link's checks, so a refused password leaves the link as it was (and tells nothing to a bad link).
      if (!command.newPassword.accepted) throw new WeakPasswordError(command.newPassword.violations);
      return [
        { type: AccountEventType.PasswordResetCompleted, data: { requestId: command.requestId } },
        { type: AccountEventType.PasswordChanged, data: { passwordHashSealed: command.newPassword.passwordHashSealed, via: 'reset' } },
        ...endAll(account, command.now, 'password_changed'),
      ];
    }
    default:
      return assertNever(command);
  }
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
};

/**
 * The account whose reset link for `requestId` can be used at `now`, or why not. One answer,
 * `invalid_token`, for: no such account, a request that is not the account's latest (superseded), already
 * used, voided by a password change, or past its `expiresAt`; and for an account without a password (no
 * link is ever mailed for one). A suspended account: `account_suspended`, but only for a link that is
 * otherwise valid (as sign-in says so only after a correct password); the link is not used up.
 */
export function openPasswordReset(state: AccountState, requestId: string, now: Date): ExistingAccount {
  if (!state.exists) throw new InvalidTokenError();
  const pending = state.pendingPasswordReset;
  if (pending === null || pending.requestId !== requestId) throw new InvalidTokenError();
  if (now.getTime() >= Date.parse(pending.expiresAt)) throw new InvalidTokenError();
  if (!hasPassword(state)) throw new InvalidTokenError();
  if (state.status === 'suspended') throw new AccountSuspendedError();
  return state;
}

/** What the mail job sends for a reset request, decided when it runs. */
export type PasswordResetMail =
  | { readonly kind: 'link'; readonly email: string; readonly expiresAt: string; readonly validSeconds: number }
  | { readonly kind: 'use_provider'; readonly email: string; readonly providers: readonly string[] }
  | { readonly kind: 'none'; readonly reason: 'no_account' | 'suspended' | 'not_open' | 'no_sign_in_method' };

/**
 * Nothing for a suspended account, nor for a request that can no longer be used by the time the job
 * runs (superseded, used, voided or expired: its link would not work). An account without a password is
 * told which provider's button to use, with no link.
 */
export function passwordResetMail(state: AccountState, requestId: string, now: Date): PasswordResetMail {
  if (!state.exists) return { kind: 'none', reason: 'no_account' };
  if (state.status === 'suspended') return { kind: 'none', reason: 'suspended' };
  const pending = state.pendingPasswordReset;
  if (pending === null || pending.requestId !== requestId || now.getTime() >= Date.parse(pending.expiresAt))
    return { kind: 'none', reason: 'not_open' };
  if (hasPassword(state)) {
    const validSeconds = Math.round((Date.parse(pending.expiresAt) - Date.parse(pending.requestedAt)) / 1000);
    return { kind: 'link', email: state.email, expiresAt: pending.expiresAt, validSeconds };
  }
  const providers = [...new Set(state.identities.map((identity) => identity.provider))];
  if (providers.length === 0) return { kind: 'none', reason: 'no_sign_in_method' };
  return { kind: 'use_provider', email: state.email, providers };
}

/** What a correct password leads to: suspension wins over MFA, MFA over an immediate session. */
export function signInOutcome(account: ExistingAccount): 'suspended' | 'mfa_required' | 'start_session' {
  if (account.status === 'suspended') return 'suspended';
  if (account.mfaFactors.length > 0) return 'mfa_required';
  return 'start_session';
}
