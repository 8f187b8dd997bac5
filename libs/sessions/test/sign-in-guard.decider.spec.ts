import { secondsUntilUnlocked, signInGuardDecider, SignInGuardEventType } from '@app/sessions';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(signInGuardDecider);
const policy = { maxFailures: 5, failureWindowSeconds: 900, lockoutSeconds: 900 };
const at = (minute: number) => new Date(Date.parse('2026-01-05T09:00:00.000Z') + minute * 60_000);
const failure = (minute: number, accountId: string | null = 'a-1') => ({
  type: SignInGuardEventType.FailureRecorded,
  data: { accountId },
  occurredAt: at(minute).toISOString(),
});
const fail = (minute: number, accountId: string | null = 'a-1') =>
  ({ kind: 'RecordSignInFailure', accountId, now: at(minute), policy }) as const;
const lockedUntil = (minute: number) => at(minute).toISOString();

describe('sign-in guard: lockout per normalised email', () => {
  it('counts a failure', () => {
    spec
      .given([])
      .when(fail(0))
      .then([{ type: SignInGuardEventType.FailureRecorded, data: { accountId: 'a-1' } }]);
  });

  it('locks on the 5th failure within 15 minutes, for 15 minutes', () => {
    spec
      .given([failure(0), failure(1), failure(2), failure(3)])
      .when(fail(4))
      .then([
        { type: SignInGuardEventType.FailureRecorded, data: { accountId: 'a-1' } },
        { type: SignInGuardEventType.Locked, data: { accountId: 'a-1', lockedUntil: lockedUntil(19) } },
      ]);
  });

  it('locks an email no account has in the same way', () => {
    const events = spec
      .given([failure(0, null), failure(1, null), failure(2, null), failure(3, null)])
      .when(fail(4, null))
      .events();
    expect(events.map((event) => event.type)).toEqual([SignInGuardEventType.FailureRecorded, SignInGuardEventType.Locked]);
  });

  it('does not count failures older than the window', () => {
    spec
      .given([failure(0), failure(1), failure(2), failure(3)])
      .when(fail(16))
      .then([{ type: SignInGuardEventType.FailureRecorded, data: { accountId: 'a-1' } }]);
  });

  it('refuses while locked, saying how long is left, and lifts by itself when the instant passes', () => {
    const locked = {
      type: SignInGuardEventType.Locked,
      data: { accountId: 'a-1', lockedUntil: lockedUntil(19) },
      occurredAt: at(4).toISOString(),
    };
    const given = spec.given([failure(0), failure(1), failure(2), failure(3), failure(4), locked]);
    given.when(fail(5)).thenThrows('account_locked');
    expect(secondsUntilUnlocked(given.state, at(5))).toBe(14 * 60);
    expect(secondsUntilUnlocked(given.state, at(19))).toBe(0);
    // After the lock, counting starts afresh: one failure does not lock again.
    given.when(fail(19)).then([{ type: SignInGuardEventType.FailureRecorded, data: { accountId: 'a-1' } }]);
  });

  it('is cleared by a successful sign-in, and writes nothing when there is nothing to clear', () => {
    spec
      .given([failure(0)])
      .when({ kind: 'ClearSignInFailures', reason: 'signed_in', now: at(1) })
      .then([{ type: SignInGuardEventType.Cleared, data: { reason: 'signed_in' } }]);
    spec
      .given([])
      .when({ kind: 'ClearSignInFailures', reason: 'signed_in', now: at(1) })
      .then([]);
  });
});
