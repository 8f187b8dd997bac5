import {
  accountDecider,
  AccountEventType,
  decideAccount,
  evolveAccount,
  ExistingAccount,
  passwordResetMail,
  unknownEmailPasswordResetDecider,
  UnknownEmailPasswordResetEventType,
  unknownEmailPasswordResetStream,
} from '@app/identity';
import { fold } from '@app/ddd';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(accountDecider);
const requestedAt = '2026-01-05T09:00:00.000Z';
const at = (secondsAfterRequest: number) => new Date(Date.parse(requestedAt) + secondsAfterRequest * 1000);

const registered = {
  type: AccountEventType.Registered,
  data: { accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.old' },
};
const socialOnly = { type: AccountEventType.Registered, data: { accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: null } };
const linked = (provider: string, subject = `${provider}-sub`) => ({
  type: AccountEventType.IdentityLinked,
  data: {
    provider,
    issuer: `https://${provider}.example`,
    subject,
    email: 'ada@example.com',
    emailVerified: true,
    via: 'signed_up' as const,
  },
});
const requested = (requestId: string, occurredAt = requestedAt, ttlSeconds = 900) => ({
  type: AccountEventType.PasswordResetRequested,
  data: { requestId, expiresAt: new Date(Date.parse(occurredAt) + ttlSeconds * 1000).toISOString() },
  occurredAt,
});
const completed = (requestId: string) => ({ type: AccountEventType.PasswordResetCompleted, data: { requestId } });
const passwordChanged = (via: 'change' | 'reset', passwordHashSealed = 'v1.new') => ({
  type: AccountEventType.PasswordChanged,
  data: { passwordHashSealed, via },
});
const suspended = { type: AccountEventType.Suspended, data: { reason: 'chargeback fraud' } };
const reinstated = { type: AccountEventType.Reinstated, data: {} };

const complete = (requestId: string, secondsAfterRequest = 60, passwordHashSealed = 'v1.new') =>
  ({
    kind: 'CompletePasswordReset',
    requestId,
    newPassword: { accepted: true, passwordHashSealed },
    now: at(secondsAfterRequest),
  }) as const;
const completeWeak = (requestId: string) =>
  ({
    kind: 'CompletePasswordReset',
    requestId,
    newPassword: { accepted: false, violations: ['too_short', 'no_digit'] },
    now: at(60),
  }) as const;

describe('password reset: the request', () => {
  it('records a request that expires PASSWORD_RESET_TTL_SECONDS after it', () => {
    spec
      .given([registered])
      .when({ kind: 'RequestPasswordReset', requestId: 'r-1', email: 'ada@example.com', now: at(0), ttlSeconds: 900 })
      .then([{ type: AccountEventType.PasswordResetRequested, data: { requestId: 'r-1', expiresAt: '2026-01-05T09:15:00.000Z' } }]);
  });

  it('records it for a suspended account and for an account without a password too (the mail job decides what is sent)', () => {
    const command = { kind: 'RequestPasswordReset', requestId: 'r-1', email: 'ada@example.com', now: at(0), ttlSeconds: 900 } as const;
    expect(spec.given([registered, suspended]).when(command).events()).toHaveLength(1);
    expect(
      spec
        .given([socialOnly, linked('google')])
        .when(command)
        .events(),
    ).toHaveLength(1);
  });

  it('records nothing in a stream without an account, or whose account now has another email (a stale reservation)', () => {
    const command = { kind: 'RequestPasswordReset', requestId: 'r-1', email: 'ada@example.com', now: at(0), ttlSeconds: 900 } as const;
    spec.given([]).when(command).then([]);
    spec
      .given([registered])
      .when({ ...command, email: 'old@example.com' })
      .then([]);
  });

  it("records a request for an email no account has in that email's own stream, never in an account stream", () => {
    expect(
      unknownEmailPasswordResetDecider.decide(
        { kind: 'RecordUnknownEmailPasswordReset', requestId: 'r-1' },
        unknownEmailPasswordResetDecider.initialState,
      ),
    ).toEqual([{ type: UnknownEmailPasswordResetEventType.Requested, data: { requestId: 'r-1' } }]);
    expect(unknownEmailPasswordResetStream('ghost@example.com')).toMatch(/^password_reset_email-[0-9a-f]{64}$/);
    expect(unknownEmailPasswordResetStream('ghost@example.com')).not.toContain('ghost');
  });
});

describe('password reset: completing it', () => {
  it('sets the new password, which moves the session epoch on: every session ends with it', () => {
    spec
      .given([registered, requested('r-1')])
      .when(complete('r-1'))
      .then([completed('r-1'), passwordChanged('reset')]);
    const before = spec.given([registered, requested('r-1')]).state as ExistingAccount;
    const after = spec.given([registered, requested('r-1'), completed('r-1'), passwordChanged('reset')]).state as ExistingAccount;
    expect(after.sessionEpoch).toBe(before.sessionEpoch + 1);
  });

  it('works until the instant the request stored, decided from that instant and the clock', () => {
    spec
      .given([registered, requested('r-1')])
      .when(complete('r-1', 899))
      .then([completed('r-1'), passwordChanged('reset')]);
    spec
      .given([registered, requested('r-1')])
      .when(complete('r-1', 900))
      .thenThrows('invalid_token');
  });

  it('keeps the TTL that was configured when the link was requested', () => {
    spec
      .given([registered, requested('r-1', requestedAt, 300)])
      .when(complete('r-1', 301))
      .thenThrows('invalid_token');
  });

  it('is single use', () => {
    spec
      .given([registered, requested('r-1'), completed('r-1'), passwordChanged('reset')])
      .when(complete('r-1', 120))
      .thenThrows('invalid_token');
  });

  it('refuses a weak password without using the link up: the same link works afterwards', () => {
    const given = spec.given([registered, requested('r-1')]);
    given.when(completeWeak('r-1')).thenThrows('weak_password');
    expect(() => given.when(completeWeak('r-1')).events()).toThrow(
      expect.objectContaining({ violations: ['too_short', 'no_digit'] }) as never,
    );
    // The refusal decided no event, so the history is unchanged and the link completes.
    given.when(complete('r-1')).then([completed('r-1'), passwordChanged('reset')]);
  });

  it('answers invalid_token, not weak_password, for a dead link whatever the password', () => {
    spec
      .given([registered, requested('r-1'), completed('r-1')])
      .when(completeWeak('r-1'))
      .thenThrows('invalid_token');
  });

  it('voids an older request when a newer one is made: only the latest link works', () => {
    const given = spec.given([registered, requested('r-1'), requested('r-2', '2026-01-05T09:01:00.000Z')]);
    given.when(complete('r-1', 90)).thenThrows('invalid_token');
    given.when(complete('r-2', 90)).then([completed('r-2'), passwordChanged('reset')]);
  });

  it('voids an outstanding link when the password is changed some other way', () => {
    spec
      .given([registered, requested('r-1'), passwordChanged('change')])
      .when(complete('r-1'))
      .thenThrows('invalid_token');
  });

  it('refuses an unknown request id and an account that does not exist with the same answer', () => {
    spec
      .given([registered, requested('r-1')])
      .when(complete('r-other'))
      .thenThrows('invalid_token');
    spec.given([registered]).when(complete('r-1')).thenThrows('invalid_token');
    spec.given([]).when(complete('r-1')).thenThrows('invalid_token');
  });

  it('refuses an account without a password (no link is ever mailed for one)', () => {
    spec
      .given([socialOnly, linked('google'), requested('r-1')])
      .when(complete('r-1'))
      .thenThrows('invalid_token');
  });

  it('refuses a suspended account with account_suspended, keeping the link for after a reinstatement within its time', () => {
    spec
      .given([registered, requested('r-1'), suspended])
      .when(complete('r-1'))
      .thenThrows('account_suspended');
    spec
      .given([registered, requested('r-1'), suspended, reinstated])
      .when(complete('r-1'))
      .then([completed('r-1'), passwordChanged('reset')]);
  });

  it('leaves the link used and the password set in the state it folds to', () => {
    const state = spec.given([registered, requested('r-1')]).state as ExistingAccount;
    const events = decideAccount(complete('r-1'), state);
    const after = fold(
      evolveAccount,
      state,
      events.map((event) => ({ ...event, occurredAt: at(60).toISOString() })),
    ) as ExistingAccount;
    expect(after).toMatchObject({ passwordHashSealed: 'v1.new', pendingPasswordReset: null, sessionEpoch: 1 });
  });
});

describe('password reset: what the mail job sends', () => {
  it("a link, valid for the request's own TTL, to the account's address", () => {
    const state = spec.given([registered, requested('r-1')]).state;
    expect(passwordResetMail(state, 'r-1', at(30))).toEqual({
      kind: 'link',
      email: 'ada@example.com',
      expiresAt: '2026-01-05T09:15:00.000Z',
      validSeconds: 900,
    });
  });

  it('no link but the provider names for an account without a password', () => {
    const state = spec.given([socialOnly, linked('google'), linked('github'), requested('r-1')]).state;
    expect(passwordResetMail(state, 'r-1', at(30))).toEqual({
      kind: 'use_provider',
      email: 'ada@example.com',
      providers: ['google', 'github'],
    });
  });

  it('nothing for a suspended account', () => {
    expect(passwordResetMail(spec.given([registered, suspended, requested('r-1')]).state, 'r-1', at(30))).toEqual({
      kind: 'none',
      reason: 'suspended',
    });
  });

  it('nothing for a request whose link would no longer work (superseded, used, expired) or an account that does not exist', () => {
    const superseded = spec.given([registered, requested('r-1'), requested('r-2')]).state;
    expect(passwordResetMail(superseded, 'r-1', at(30))).toEqual({ kind: 'none', reason: 'not_open' });
    expect(passwordResetMail(superseded, 'r-2', at(30)).kind).toBe('link');
    expect(passwordResetMail(spec.given([registered, requested('r-1'), completed('r-1')]).state, 'r-1', at(30)).kind).toBe('none');
    expect(passwordResetMail(spec.given([registered, requested('r-1')]).state, 'r-1', at(900)).kind).toBe('none');
    expect(passwordResetMail(spec.given([]).state, 'r-1', at(30))).toEqual({ kind: 'none', reason: 'no_account' });
  });
});
