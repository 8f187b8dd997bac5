import { createHash } from 'node:crypto';
import { assertNever, Decider, DomainEvent, Occurred } from '@app/ddd';
import { AccountLockedError } from './session.errors';

/**
 * Failed sign-ins are counted per normalised email, whether or not an account has it, in a stream of
 * their own: `signin_guard-<sha256(email)>`. A lock is an instant in that stream; it lifts by itself
 * when read after that instant, no sweep involved.
 */
export const SignInGuardEventType = {
  FailureRecorded: 'sign_in_guard.failure_recorded',
  Locked: 'sign_in_guard.locked',
  Cleared: 'sign_in_guard.cleared',
} as const;

export type SignInGuardEventTypeName = SignInGuardEvent['type'];

/**
 * The guard grows by one event per failure, so a command reads only its tail: the state is decided by
 * the failures since the last lock or clear, and at most `maxFailures` of them count. Any policy with
 * LOGIN_MAX_FAILURES below this many events is decided the same from the tail as from the whole stream.
 */
export const SIGN_IN_GUARD_TAIL = 64;

/** `accountId` is null for an email no account has: the counter works the same either way. */
export type SignInFailureRecorded = DomainEvent<typeof SignInGuardEventType.FailureRecorded, { readonly accountId: string | null }>;
export type SignInLocked = DomainEvent<
  typeof SignInGuardEventType.Locked,
  { readonly accountId: string | null; readonly lockedUntil: string }
>;
export type SignInGuardCleared = DomainEvent<typeof SignInGuardEventType.Cleared, { readonly reason: 'signed_in' | 'password_reset' }>;

export type SignInGuardEvent = SignInFailureRecorded | SignInLocked | SignInGuardCleared;

export const SIGN_IN_GUARD_STREAM_PREFIX = 'signin_guard-';

export function signInGuardStream(normalisedEmail: string): string {
  return `${SIGN_IN_GUARD_STREAM_PREFIX}${createHash('sha256').update(normalisedEmail, 'utf8').digest('hex')}`;
}

export interface LockoutPolicy {
  readonly maxFailures: number;
  readonly failureWindowSeconds: number;
  readonly lockoutSeconds: number;
}

export interface SignInGuardState {
  /** Instants of the failures since the last lock or clear (older ones are outside any window that matters). */
  readonly failures: readonly string[];
  readonly lockedUntil: string | null;
}

export interface RecordSignInFailure {
  readonly kind: 'RecordSignInFailure';
  readonly accountId: string | null;
  readonly now: Date;
  readonly policy: LockoutPolicy;
}

export interface ClearSignInFailures {
  readonly kind: 'ClearSignInFailures';
  readonly reason: 'signed_in' | 'password_reset';
  readonly now: Date;
}

export type SignInGuardCommand = RecordSignInFailure | ClearSignInFailures;

export const initialSignInGuardState: SignInGuardState = { failures: [], lockedUntil: null };

export function evolveSignInGuard(state: SignInGuardState, event: Occurred<SignInGuardEvent>): SignInGuardState {
  switch (event.type) {
    case SignInGuardEventType.FailureRecorded:
      return { ...state, failures: [...state.failures, event.occurredAt] };
    case SignInGuardEventType.Locked:
      // The failures that caused the lock are spent: after it lifts, counting starts afresh.
      return { failures: [], lockedUntil: event.data.lockedUntil };
    case SignInGuardEventType.Cleared:
      return initialSignInGuardState;
    default:
      return assertNever(event);
  }
}

/** Seconds until the lock lifts (rounded up, at least 1), or 0 when sign-in is open at `now`. */
export function secondsUntilUnlocked(state: SignInGuardState, now: Date): number {
  if (state.lockedUntil === null) return 0;
  const remainingMs = Date.parse(state.lockedUntil) - now.getTime();
  return remainingMs > 0 ? Math.max(1, Math.ceil(remainingMs / 1000)) : 0;
}

export function assertSignInOpen(state: SignInGuardState, now: Date): void {
  const retryAfter = secondsUntilUnlocked(state, now);
  if (retryAfter > 0) throw new AccountLockedError(retryAfter);
}

export function decideSignInGuard(command: SignInGuardCommand, state: SignInGuardState): SignInGuardEvent[] {
  switch (command.kind) {
    case 'RecordSignInFailure': {
      assertSignInOpen(state, command.now);
      const windowStart = command.now.getTime() - command.policy.failureWindowSeconds * 1000;
      const recent = state.failures.filter((at) => Date.parse(at) > windowStart).length + 1;
      const failure: SignInFailureRecorded = { type: SignInGuardEventType.FailureRecorded, data: { accountId: command.accountId } };
      if (recent < command.policy.maxFailures) return [failure];
      const lockedUntil = new Date(command.now.getTime() + command.policy.lockoutSeconds * 1000).toISOString();
      return [failure, { type: SignInGuardEventType.Locked, data: { accountId: command.accountId, lockedUntil } }];
    }
    case 'ClearSignInFailures':
      if (state.failures.length === 0 && secondsUntilUnlocked(state, command.now) === 0) return [];
      return [{ type: SignInGuardEventType.Cleared, data: { reason: command.reason } }];
    default:
      return assertNever(command);
  }
}

export const signInGuardDecider: Decider<SignInGuardCommand, SignInGuardState, SignInGuardEvent> = {
  initialState: initialSignInGuardState,
  evolve: evolveSignInGuard,
  decide: decideSignInGuard,
  tail: {
    maxEvents: SIGN_IN_GUARD_TAIL,
    startsAfresh: (event) => event.type === SignInGuardEventType.Locked || event.type === SignInGuardEventType.Cleared,
  },
};
