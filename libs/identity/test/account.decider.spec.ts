import { accountDecider, AccountEventType, effectiveRoles, ExistingAccount, readsAsErased } from '@app/identity';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(accountDecider);
const now = new Date('2026-01-05T09:00:00Z');
const register = { kind: 'RegisterAccount', accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.sealed', now } as const;
const registered = {
  type: AccountEventType.Registered,
  data: { accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.sealed' },
};
const verified = { type: AccountEventType.EmailVerified, data: { email: 'ada@example.com' } };
const suspended = { type: AccountEventType.Suspended, data: { reason: 'chargeback fraud' } };
const support = { accountId: 'staff-1', roles: ['support'] as const, bootstrapAdminEmail: undefined };
const admin = { accountId: 'staff-2', roles: ['admin'] as const, bootstrapAdminEmail: undefined };
const epochOf = (history: Parameters<typeof spec.given>[0]) => (spec.given(history).state as ExistingAccount).sessionEpoch;

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

describe('account decider: password change', () => {
  it('changes the password and moves the session epoch on, which ends every session, the current one included', () => {
    spec
      .given([registered])
      .when({ kind: 'ChangePassword', passwordHashSealed: 'v1.new' })
      .then([{ type: AccountEventType.PasswordChanged, data: { passwordHashSealed: 'v1.new', via: 'change' } }]);
    const changed = { type: AccountEventType.PasswordChanged, data: { passwordHashSealed: 'v1.new', via: 'change' as const } };
    expect(epochOf([registered])).toBe(0);
    expect(epochOf([registered, changed])).toBe(1);
  });
});

describe('account decider: suspension', () => {
  it('suspends, which moves the session epoch on (every session ends with the one event)', () => {
    spec.given([registered]).when({ kind: 'SuspendAccount', reason: 'chargeback fraud', by: support }).then([suspended]);
    expect(epochOf([registered, suspended])).toBe(1);
  });

  it('is idempotent both ways', () => {
    spec.given([registered, suspended]).when({ kind: 'SuspendAccount', reason: 'again', by: support }).then([]);
    spec.given([registered]).when({ kind: 'ReinstateAccount', by: support }).then([]);
  });

  it('reinstates a suspended account without bringing its old sessions back', () => {
    const reinstated = { type: AccountEventType.Reinstated, data: {} };
    spec.given([registered, suspended]).when({ kind: 'ReinstateAccount', by: support }).then([reinstated]);
    const state = spec.given([registered, suspended, reinstated]).state as ExistingAccount;
    expect(state).toMatchObject({ status: 'active', sessionEpoch: 1 });
  });

  it('refuses support suspending or reinstating an account that holds a staff role; an admin may', () => {
    const granted = { type: AccountEventType.StaffRolesChanged, data: { roles: ['billing'], previousRoles: [] } } as const;
    spec.given([registered, granted]).when({ kind: 'SuspendAccount', reason: 'x', by: support }).thenThrows('forbidden');
    spec.given([registered, granted, suspended]).when({ kind: 'ReinstateAccount', by: support }).thenThrows('forbidden');
    spec.given([registered, granted]).when({ kind: 'SuspendAccount', reason: 'chargeback fraud', by: admin }).then([suspended]);
  });

  it('counts the bootstrap admin (decided when read) as holding a staff role', () => {
    const bySupport = { ...support, bootstrapAdminEmail: 'ada@example.com' };
    spec.given([registered, verified]).when({ kind: 'SuspendAccount', reason: 'x', by: bySupport }).thenThrows('forbidden');
  });

  it('refuses anyone suspending their own account, an admin included', () => {
    spec
      .given([registered])
      .when({ kind: 'SuspendAccount', reason: 'x', by: { ...admin, accountId: 'a-1' } })
      .thenThrows('forbidden');
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

describe('account decider: history of the old layout', () => {
  it('skips the session and mirrored sign-in events the account stream held before sessions had streams of their own', () => {
    const retired = [
      { type: 'account.session_started', data: { sessionId: 's-1', method: 'password', expiresAt: '2026-02-04T09:00:00.000Z' } },
      { type: 'account.sign_in_failed', data: { failedAt: '2026-01-05T08:59:00.000Z', guardStream: 'g', guardRevision: 0 } },
    ] as unknown as Parameters<typeof spec.given>[0];
    expect(spec.given([registered, ...retired, verified]).state).toEqual(spec.given([registered, verified]).state);
  });
});

describe('account decider: erasure', () => {
  const erase = { kind: 'EraseAccount', reason: 'the holder asked', erasedBy: 'admin', now: new Date('2026-03-01T10:00:00.000Z') } as const;
  const erasedEvent = {
    type: 'account.erased',
    data: { reason: 'the holder asked', erasedBy: 'admin' },
    occurredAt: '2026-03-01T10:00:00.000Z',
  } as const;

  it('erases an account once, ending its sessions', () => {
    spec
      .given([registered])
      .when(erase)
      .then([{ type: 'account.erased', data: { reason: 'the holder asked', erasedBy: 'admin' } }]);
    spec.given([registered, erasedEvent]).when(erase).then([]);
    expect(epochOf([registered, erasedEvent])).toBe(epochOf([registered]) + 1);
    expect((spec.given([registered, erasedEvent]).state as ExistingAccount).erasedAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('refuses to erase an account that does not exist', () => {
    spec.given([]).when(erase).thenThrows('not_found');
  });
});

describe('account decider: closing, reopening and the scheduled erasure', () => {
  const closedAt = '2026-03-01T10:00:00.000Z';
  const close = { kind: 'CloseAccount', now: new Date(closedAt), graceSeconds: 86_400 } as const;
  const closed = { type: 'account.closed', data: { erasureDueAt: '2026-03-02T10:00:00.000Z' }, occurredAt: closedAt } as const;
  const reopened = { type: 'account.reopened', data: { method: 'password' }, occurredAt: '2026-03-01T12:00:00.000Z' } as const;
  const reopen = (at: string) => ({ kind: 'ReopenAccount', method: 'password', now: new Date(at) }) as const;
  const scheduled = (at: string) =>
    ({ kind: 'EraseAccount', reason: 'grace period over', erasedBy: 'schedule', now: new Date(at) }) as const;

  it('closes once, with the deadline of the grace period, ending every session', () => {
    spec
      .given([registered])
      .when(close)
      .then([{ type: 'account.closed', data: { erasureDueAt: '2026-03-02T10:00:00.000Z' } }]);
    spec.given([registered, closed]).when(close).then([]);
    expect(epochOf([registered, closed])).toBe(epochOf([registered]) + 1);
  });

  it('reopens a closed account before the deadline, and from the deadline it reads as erased', () => {
    spec
      .given([registered, closed])
      .when(reopen('2026-03-02T09:59:59.999Z'))
      .then([{ type: 'account.reopened', data: { method: 'password' } }]);
    spec.given([registered]).when(reopen('2026-03-01T11:00:00.000Z')).then([]);
    spec.given([registered, closed]).when(reopen('2026-03-02T10:00:00.000Z')).thenThrows('not_found');
    const state = spec.given([registered, closed]).state as ExistingAccount;
    expect(readsAsErased(state, new Date('2026-03-02T09:59:59.999Z'))).toBe(false);
    expect(readsAsErased(state, new Date('2026-03-02T10:00:00.000Z'))).toBe(true);
    expect((spec.given([registered, closed, reopened]).state as ExistingAccount).closure).toBeNull();
  });

  it('the schedule erases only a closure whose grace ran out, never a reopened or open account', () => {
    spec.given([registered, closed]).when(scheduled('2026-03-02T09:00:00.000Z')).then([]);
    spec.given([registered, closed, reopened]).when(scheduled('2026-03-09T00:00:00.000Z')).then([]);
    spec.given([registered]).when(scheduled('2026-03-09T00:00:00.000Z')).then([]);
    spec
      .given([registered, closed])
      .when(scheduled('2026-03-02T10:00:00.000Z'))
      .then([{ type: 'account.erased', data: { reason: 'grace period over', erasedBy: 'schedule' } }]);
  });

  it('takes no password reset request from the deadline on: the email then belongs to no account', () => {
    const reset = (at: string) =>
      ({ kind: 'RequestPasswordReset', requestId: 'r-1', email: 'ada@example.com', now: new Date(at), ttlSeconds: 3600 }) as const;
    spec
      .given([registered, closed])
      .when(reset('2026-03-02T09:59:59.999Z'))
      .then([{ type: 'account.password_reset_requested', data: { requestId: 'r-1', expiresAt: '2026-03-02T10:59:59.999Z' } }]);
    spec.given([registered, closed]).when(reset('2026-03-02T10:00:00.000Z')).then([]);
  });
});
