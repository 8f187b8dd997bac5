import { assertNever, Decider, Occurred } from '@app/ddd';
import type { StaffRole } from '@app/auth';
import {
  AccountExistsError,
  AccountResourceNotFoundError,
  AccountSuspendedError,
  InvalidCurrentPasswordError,
  InvalidTokenError,
} from './account.errors';
import { AccountEvent, AccountEventType, AccountSessionEnded, SessionEndReason, SignInMethod } from './account.events';

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
  /** Sessions started and not ended; those past their absolute end are dropped as later events fold. */
  readonly sessions: Readonly<Record<string, AccountSession>>;
  /** The last sign-in guard event mirrored into this stream, so a re-driven mirror is a no-op. */
  readonly lastMirroredGuardEvent: { readonly stream: string; readonly revision: number } | null;
  /** Provider identities the account can sign in with, in the order they were linked. */
  readonly identities: readonly LinkedIdentity[];
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

export type AccountCommand =
  | RegisterAccount
  | VerifyEmail
  | ChangePassword
  | StartSession
  | EndSession
  | EndOtherSessions
  | MirrorSignInGuard
  | SetStaffRoles
  | SuspendAccount
  | ReinstateAccount;

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

function withoutSessionsEndedBy(sessions: Readonly<Record<string, AccountSession>>, instant: string): Record<string, AccountSession> {
  const now = Date.parse(instant);
  return Object.fromEntries(Object.entries(sessions).filter(([, session]) => Date.parse(session.expiresAt) > now));
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
    };
  }
  if (!state.exists) return state;
  const current: ExistingAccount = { ...state, sessions: withoutSessionsEndedBy(state.sessions, event.occurredAt) };
  switch (event.type) {
    case AccountEventType.EmailVerified:
      return { ...current, emailVerified: true };
    case AccountEventType.PasswordChanged:
      return { ...current, passwordHashSealed: event.data.passwordHashSealed };
    case AccountEventType.SessionStarted:
      return {
        ...current,
        sessions: {
          ...current.sessions,
          [event.data.sessionId]: {
            sessionId: event.data.sessionId,
            method: event.data.method,
            startedAt: event.occurredAt,
            expiresAt: event.data.expiresAt,
          },
        },
      };
    case AccountEventType.SessionEnded: {
      const { [event.data.sessionId]: _ended, ...rest } = current.sessions;
      return { ...current, sessions: rest };
    }
    case AccountEventType.SignInFailed:
    case AccountEventType.SignInLocked:
      return { ...current, lastMirroredGuardEvent: { stream: event.data.guardStream, revision: event.data.guardRevision } };
    case AccountEventType.StaffRolesChanged:
      return { ...current, roles: canonicalRoles(event.data.roles) };
    case AccountEventType.Suspended:
      return { ...current, status: 'suspended' };
    case AccountEventType.Reinstated:
      return { ...current, status: 'active' };
    case AccountEventType.IdentityLinked: {
      const { provider, issuer, subject, email } = event.data;
      return { ...current, identities: [...current.identities, { provider, issuer, subject, email, linkedAt: event.occurredAt }] };
    }
    case AccountEventType.IdentityUnlinked:
      return {
        ...current,
        identities: current.identities.filter((identity) => !(identity.issuer === event.data.issuer && identity.subject === event.data.subject)),
      };
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
    default:
      return assertNever(command);
  }
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
};

/** What a correct password leads to: suspension wins over MFA, MFA over an immediate session. */
export function signInOutcome(account: ExistingAccount): 'suspended' | 'mfa_required' | 'start_session' {
  if (account.status === 'suspended') return 'suspended';
  if (account.mfaFactors.length > 0) return 'mfa_required';
  return 'start_session';
}
