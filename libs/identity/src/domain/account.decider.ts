import { assertNever, Decider, Occurred, StaffRole } from '@app/ddd';
import {
  AccountExistsError,
  AccountResourceNotFoundError,
  AccountSuspendedError,
  StandingChangeForbiddenError,
  InvalidTokenError,
  WeakPasswordError,
} from './account.errors';
import { AccountEvent, AccountEventType, RETIRED_ACCOUNT_EVENT_TYPES } from './account.events';
import { PasswordViolation } from './password-policy';

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
  /**
   * Bumped by every event that ends all of the account's sessions (a password change or reset, a
   * suspension). A session records the epoch its sign-in read and is live only while it is current,
   * so those events end sessions the instant they are appended, whatever the sessions' own streams say.
   */
  readonly sessionEpoch: number;
  /** Provider identities the account can sign in with, in the order they were linked. */
  readonly identities: readonly LinkedIdentity[];
  /** Voided by a newer request, by its own use, and by any password change. */
  readonly pendingPasswordReset: PendingPasswordReset | null;
  /** When its personal data was erased (its sessions ended then, and it never signs in again). */
  readonly erasedAt: string | null;
  /** While closed by its holder: when, and the instant from which it reads as erased. */
  readonly closure: AccountClosure | null;
}

export interface AccountClosure {
  readonly closedAt: string;
  readonly erasureDueAt: string;
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

/** The handler has checked the current password (bcrypt is I/O) and the policy before. */
export interface ChangePassword {
  readonly kind: 'ChangePassword';
  readonly passwordHashSealed: string;
}

export interface SetStaffRoles {
  readonly kind: 'SetStaffRoles';
  readonly roles: readonly StaffRole[];
}

/** The staff member asking, with their effective roles; `bootstrapAdminEmail` to resolve the target's. */
export interface StandingChangedBy {
  readonly accountId: string;
  readonly roles: readonly StaffRole[];
  readonly bootstrapAdminEmail: string | undefined;
}

export interface SuspendAccount {
  readonly kind: 'SuspendAccount';
  readonly reason: string;
  readonly by: StandingChangedBy;
}

export interface ReinstateAccount {
  readonly kind: 'ReinstateAccount';
  readonly by: StandingChangedBy;
}

/**
 * Recorded for every account that has `email`, suspended or social-only included: what gets mailed is
 * the mail job's call. Nothing for a stream without an account, whose account has another email (a
 * stale or abandoned reservation) or reads as erased: the handler then records it as a request for an
 * unknown email.
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

/** Erase the account's personal data (an admin at once; the schedule once a closure's grace ran out). */
export interface EraseAccount {
  readonly kind: 'EraseAccount';
  readonly reason: string;
  readonly erasedBy: 'admin' | 'schedule';
  readonly now: Date;
}

/** The holder closes the account; the handler has checked the recent sign-in and the password before. */
export interface CloseAccount {
  readonly kind: 'CloseAccount';
  readonly now: Date;
  readonly graceSeconds: number;
}

/** A completed sign-in of a closed account (the sessions context asks before starting the session). */
export interface ReopenAccount {
  readonly kind: 'ReopenAccount';
  readonly method: string;
  readonly now: Date;
}

export type AccountCommand =
  | RegisterAccount
  | VerifyEmail
  | ChangePassword
  | SetStaffRoles
  | SuspendAccount
  | ReinstateAccount
  | RequestPasswordReset
  | CompletePasswordReset
  | EraseAccount
  | CloseAccount
  | ReopenAccount;

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

/**
 * Erased, or closed and past its grace period: from `erasureDueAt` the account reads as erased (no
 * sign-in, no reopening) whether or not the scheduled erasure has run yet.
 */
export function readsAsErased(account: ExistingAccount, now: Date): boolean {
  return account.erasedAt !== null || (account.closure !== null && now.getTime() >= Date.parse(account.closure.erasureDueAt));
}

/** Staff roles held through events, plus admin for the bootstrap address once it is verified. */
export function effectiveRoles(state: ExistingAccount, bootstrapAdminEmail: string | undefined): StaffRole[] {
  const bootstrap = bootstrapAdminEmail !== undefined && state.emailVerified && state.email === bootstrapAdminEmail.trim().toLowerCase();
  return canonicalRoles(bootstrap ? [...state.roles, 'admin'] : state.roles);
}

export function evolveAccount(state: AccountState, event: Occurred<AccountEvent>): AccountState {
  if (RETIRED_ACCOUNT_EVENT_TYPES.has(event.type)) return state;
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
      sessionEpoch: 0,
      identities: [],
      pendingPasswordReset: null,
      erasedAt: null,
      closure: null,
    };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case AccountEventType.EmailVerified:
      return { ...state, emailVerified: true };
    case AccountEventType.PasswordChanged:
      // Whatever the way, a new password voids an outstanding reset link.
      return {
        ...state,
        passwordHashSealed: event.data.passwordHashSealed,
        pendingPasswordReset: null,
        sessionEpoch: state.sessionEpoch + 1,
      };
    case AccountEventType.StaffRolesChanged:
      return { ...state, roles: canonicalRoles(event.data.roles) };
    case AccountEventType.Suspended:
      return { ...state, status: 'suspended', sessionEpoch: state.sessionEpoch + 1 };
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
    case AccountEventType.Erased:
      return { ...state, erasedAt: event.occurredAt, pendingPasswordReset: null, sessionEpoch: state.sessionEpoch + 1 };
    case AccountEventType.Closed:
      return {
        ...state,
        closure: { closedAt: event.occurredAt, erasureDueAt: event.data.erasureDueAt },
        pendingPasswordReset: null,
        sessionEpoch: state.sessionEpoch + 1,
      };
    case AccountEventType.Reopened:
      return { ...state, closure: null };
    default:
      return assertNever(event);
  }
}

function existing(state: AccountState): ExistingAccount {
  if (!state.exists) throw new AccountResourceNotFoundError('account');
  return state;
}

/**
 * No one suspends or reinstates their own account, and an account that holds a staff role (the
 * bootstrap admin included) only an admin may: support could otherwise lock out the admins.
 */
function assertMayChangeStanding(account: ExistingAccount, by: StandingChangedBy): void {
  if (account.accountId === by.accountId) throw new StandingChangeForbiddenError('You cannot suspend or reinstate your own account');
  if (effectiveRoles(account, by.bootstrapAdminEmail).length > 0 && !by.roles.includes('admin')) {
    throw new StandingChangeForbiddenError('Only an admin can suspend or reinstate an account that holds a staff role');
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
    case 'ChangePassword':
      existing(state);
      return [{ type: AccountEventType.PasswordChanged, data: { passwordHashSealed: command.passwordHashSealed, via: 'change' } }];
    case 'SetStaffRoles': {
      const account = existing(state);
      const roles = canonicalRoles(command.roles);
      if (roles.join() === account.roles.join()) return [];
      return [{ type: AccountEventType.StaffRolesChanged, data: { roles, previousRoles: account.roles } }];
    }
    case 'SuspendAccount': {
      const account = existing(state);
      assertMayChangeStanding(account, command.by);
      if (account.status === 'suspended') return [];
      return [{ type: AccountEventType.Suspended, data: { reason: command.reason } }];
    }
    case 'ReinstateAccount': {
      const account = existing(state);
      assertMayChangeStanding(account, command.by);
      if (account.status === 'active') return [];
      return [{ type: AccountEventType.Reinstated, data: {} }];
    }
    case 'RequestPasswordReset': {
      // An account reading as erased has no email any more, as for sign-in (`AccountStates.findByEmail`).
      if (!state.exists || state.email !== command.email || readsAsErased(state, command.now)) return [];
      const expiresAt = new Date(command.now.getTime() + command.ttlSeconds * 1000).toISOString();
      return [{ type: AccountEventType.PasswordResetRequested, data: { requestId: command.requestId, expiresAt } }];
    }
    case 'CompletePasswordReset': {
      openPasswordReset(state, command.requestId, command.now);
      // After the link's checks, so a refused password leaves the link as it was (and tells nothing to a bad link).
      if (!command.newPassword.accepted) throw new WeakPasswordError(command.newPassword.violations);
      return [
        { type: AccountEventType.PasswordResetCompleted, data: { requestId: command.requestId } },
        { type: AccountEventType.PasswordChanged, data: { passwordHashSealed: command.newPassword.passwordHashSealed, via: 'reset' } },
      ];
    }
    case 'EraseAccount': {
      const account = existing(state);
      if (account.erasedAt !== null) return [];
      // The schedule erases only a closure whose grace ran out (a reopened account is not erased).
      if (command.erasedBy === 'schedule' && !readsAsErased(account, command.now)) return [];
      return [{ type: AccountEventType.Erased, data: { reason: command.reason, erasedBy: command.erasedBy } }];
    }
    case 'CloseAccount': {
      const account = existing(state);
      if (account.erasedAt !== null) throw new AccountResourceNotFoundError('account');
      if (account.closure !== null) return [];
      const erasureDueAt = new Date(command.now.getTime() + command.graceSeconds * 1000).toISOString();
      return [{ type: AccountEventType.Closed, data: { erasureDueAt } }];
    }
    case 'ReopenAccount': {
      const account = existing(state);
      if (readsAsErased(account, command.now)) throw new AccountResourceNotFoundError('account');
      if (account.closure === null) return [];
      return [{ type: AccountEventType.Reopened, data: { method: command.method } }];
    }
    default:
      return assertNever(command);
  }
}

export const accountDecider: Decider<AccountCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
  // Every reset request stays in the stream: a command reads only what came after its last fold.
  remembered: true,
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
