import {
  accountDecider,
  AccountEventType,
  effectiveRoles,
  ExistingAccount,
  liveSessions,
  SessionEndReason,
  signInOutcome,
} from '@app/accounts';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(accountDecider);
const now = new Date('2026-01-05T09:00:00Z');
const register = { kind: 'RegisterAccount', accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.sealed', now } as const;
const registered = {
  type: AccountEventType.Registered,
  data: { accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.sealed' },
};
const verified = { type: AccountEventType.EmailVerified, data: { email: 'ada@example.com' } };
const started = (sessionId: string, expiresAt = '2026-02-04T09:00:00.000Z') => ({
  type: AccountEventType.SessionStarted,
  data: { sessionId, method: 'password' as const, expiresAt },
});
const ended = (sessionId: string, reason: SessionEndReason) => ({ type: AccountEventType.SessionEnded, data: { sessionId, reason } });
const suspended = { type: AccountEventType.Suspended, data: { reason: 'chargeback fraud' } };

describe('account decider: registration', () => {
  it('registers a new account', () => {
    spec.given([]).when(register).then([registered]);
  });

  it('refuses to register the same account twice', () => {
    spec.given([registered]).when(register).thenThrows('account_exists');
  });

  it('remembers when the account was created', () => {
    const state = spec.given([{ ...registered, occurredAt: '2026-02-01T10:00:00.000Z' }]).state;
    expect(state).toMatchObject({ exists: true, createdAt: '2026-02-01T10:00:00.000Z' });
  });
});

describe('account decider: email verification', () => {
  it('verifies the address the link was made for', () => {
    spec.given([registered]).when({ kind: 'VerifyEmail', email: 'ada@example.com' }).then([verified]);
  });

  it('verifies once: a second click changes nothing', () => {
    spec.given([registered, verified]).when({ kind: 'VerifyEmail', email: 'ada@example.com' }).then([]);
  });

  it('refuses a link made for another address', () => {
    spec.given([registered]).when({ kind: 'VerifyEmail', email: 'old@example.com' }).thenThrows('invalid_token');
  });

  it('answers not_found for an account that does not exist', () => {
    spec.given([]).when({ kind: 'VerifyEmail', email: 'ada@example.com' }).thenThrows('not_found');
  });
});

describe('account decider: sessions', () => {
  const start = { kind: 'StartSession', sessionId: 's-1', method: 'password', now, maxSeconds: 30 * 86_400 } as const;

  it('starts a session that ends at the latest SESSION_MAX_SECONDS later', () => {
    spec
      .given([registered])
      .when(start)
      .then([started('s-1', '2026-02-04T09:00:00.000Z')]);
  });

  it('refuses to start a session for a suspended account', () => {
    spec.given([registered, suspended]).when(start).thenThrows('account_suspended');
  });

  it('ends a live session of its own, and answers not_found for any other id', () => {
    const end = (sessionId: string) => ({ kind: 'EndSession', sessionId, reason: 'signed_out', now }) as const;
    spec
      .given([registered, started('s-1')])
      .when(end('s-1'))
      .then([ended('s-1', 'signed_out')]);
    spec
      .given([registered, started('s-1')])
      .when(end('s-of-someone-else'))
      .thenThrows('not_found');
    spec
      .given([registered, started('s-1'), ended('s-1', 'signed_out')])
      .when(end('s-1'))
      .thenThrows('not_found');
  });

  it('ends every other session and keeps the current one', () => {
    spec
      .given([registered, started('s-1'), started('s-2'), started('s-3')])
      .when({ kind: 'EndOtherSessions', keepSessionId: 's-2', now })
      .then([ended('s-1', 'ended_by_owner'), ended('s-3', 'ended_by_owner')]);
  });

  it('no longer counts a session past its absolute end as live, but keeps it until its end is recorded', () => {
    const history = [registered, started('s-old', '2026-01-05T10:00:00.000Z'), { ...verified, occurredAt: '2026-01-05T11:00:00.000Z' }];
    const state = spec.given(history).state as ExistingAccount;
    expect(liveSessions(state, new Date('2026-01-05T11:00:00Z'))).toEqual([]);
    expect(Object.keys(state.sessions)).toEqual(['s-old']);
    spec
      .given(history)
      .when({ kind: 'EndSession', sessionId: 's-old', reason: 'signed_out', now: new Date('2026-01-05T11:00:00Z') })
      .thenThrows('not_found');
  });
});

describe('account decider: password change', () => {
  const change = (currentPasswordMatches: boolean) =>
    ({ kind: 'ChangePassword', passwordHashSealed: 'v1.new', currentPasswordMatches, now }) as const;

  it('changes the password and ends every session, the current one included', () => {
    spec
      .given([registered, started('s-1'), started('s-2')])
      .when(change(true))
      .then([
        { type: AccountEventType.PasswordChanged, data: { passwordHashSealed: 'v1.new', via: 'change' } },
        ended('s-1', 'password_changed'),
        ended('s-2', 'password_changed'),
      ]);
  });

  it('refuses without the right current password', () => {
    spec
      .given([registered, started('s-1')])
      .when(change(false))
      .thenThrows('invalid_current_password');
  });
});

describe('account decider: suspension', () => {
  it('suspends and ends every session in the same append', () => {
    spec
      .given([registered, started('s-1'), started('s-2')])
      .when({ kind: 'SuspendAccount', reason: 'chargeback fraud', now })
      .then([suspended, ended('s-1', 'suspended'), ended('s-2', 'suspended')]);
  });

  it('is idempotent both ways', () => {
    spec.given([registered, suspended]).when({ kind: 'SuspendAccount', reason: 'again', now }).then([]);
    spec.given([registered]).when({ kind: 'ReinstateAccount' }).then([]);
  });

  it('reinstates a suspended account; a correct password then leads to a session again', () => {
    spec
      .given([registered, suspended])
      .when({ kind: 'ReinstateAccount' })
      .then([{ type: AccountEventType.Reinstated, data: {} }]);
    const state = spec.given([registered, suspended, { type: AccountEventType.Reinstated, data: {} }]).state as ExistingAccount;
    expect(signInOutcome(state)).toBe('start_session');
    expect(signInOutcome(spec.given([registered, suspended]).state as ExistingAccount)).toBe('suspended');
  });
});

describe('account decider: staff roles', () => {
  it('sets the complete set of roles, in a canonical order, and records the previous set', () => {
    spec
      .given([registered])
      .when({ kind: 'SetStaffRoles', roles: ['admin', 'support', 'admin'] })
      .then([{ type: AccountEventType.StaffRolesChanged, data: { roles: ['support', 'admin'], previousRoles: [] } }]);
  });

  it('writes nothing when the roles do not change', () => {
    const granted = { type: AccountEventType.StaffRolesChanged, data: { roles: ['support'], previousRoles: [] } } as const;
    spec
      .given([registered, granted])
      .when({ kind: 'SetStaffRoles', roles: ['support'] })
      .then([]);
  });

  it('makes the bootstrap address admin only once it is verified', () => {
    const unverified = spec.given([registered]).state as ExistingAccount;
    const confirmed = spec.given([registered, verified]).state as ExistingAccount;
    expect(effectiveRoles(unverified, 'ADA@example.com')).toEqual([]);
    expect(effectiveRoles(confirmed, 'ADA@example.com')).toEqual(['admin']);
    expect(effectiveRoles(confirmed, 'someone-else@example.com')).toEqual([]);
  });
});

describe('account decider: mirrored sign-in failures', () => {
  const mirror = (...revisions: number[]) =>
    ({
      kind: 'MirrorSignInGuard',
      guardStream: 'signin_guard-abc',
      events: revisions.map((revision) => ({ revision, kind: 'failure' as const, failedAt: '2026-01-05T08:59:00.000Z' })),
    }) as const;
  const failed = (guardRevision: number) => ({
    type: AccountEventType.SignInFailed,
    data: { failedAt: '2026-01-05T08:59:00.000Z', guardStream: 'signin_guard-abc', guardRevision },
  });

  it('copies guard events in order, each once, whatever order and how often the jobs run', () => {
    spec
      .given([registered])
      .when(mirror(1, 0))
      .then([failed(0), failed(1)]);
    spec
      .given([registered, failed(0), failed(1)])
      .when(mirror(0, 1, 2))
      .then([failed(2)]);
    spec
      .given([registered, failed(0), failed(1)])
      .when(mirror(1))
      .then([]);
  });

  it('copies a lock with its end', () => {
    spec
      .given([registered])
      .when({
        kind: 'MirrorSignInGuard',
        guardStream: 'signin_guard-abc',
        events: [{ revision: 4, kind: 'lock', lockedUntil: '2026-01-05T09:15:00.000Z' }],
      })
      .then([
        {
          type: AccountEventType.SignInLocked,
          data: { lockedUntil: '2026-01-05T09:15:00.000Z', guardStream: 'signin_guard-abc', guardRevision: 4 },
        },
      ]);
  });
});

describe('account decider: what a correct password leads to', () => {
  it('asks for a second factor when the account has one, and suspension wins over that', () => {
    const active = spec.given([registered]).state as ExistingAccount;
    const withFactor: ExistingAccount = { ...active, mfaFactors: [{ factorId: 'f-1', type: 'totp' }] };
    expect(signInOutcome(active)).toBe('start_session');
    expect(signInOutcome(withFactor)).toBe('mfa_required');
    expect(signInOutcome({ ...withFactor, status: 'suspended' })).toBe('suspended');
  });
});
