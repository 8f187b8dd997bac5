import { accountDecider, AccountEventType, RecordSessionEnd, SessionEndReason } from '@app/accounts';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(accountDecider);
const DAY = 86_400;
const registered = {
  type: AccountEventType.Registered,
  data: { accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.sealed' },
};
const verified = { type: AccountEventType.EmailVerified, data: { email: 'ada@example.com' } };
// Started 2026-01-05T09:00Z with a 30-day absolute end.
const started = {
  type: AccountEventType.SessionStarted,
  data: { sessionId: 's-1', method: 'password' as const, expiresAt: '2026-02-04T09:00:00.000Z' },
};
const endedBy = (reason: SessionEndReason, endedAt?: string) => ({
  type: AccountEventType.SessionEnded,
  data: { sessionId: 's-1', reason, ...(endedAt === undefined ? {} : { endedAt }) },
});
const record = (asOf: string, lastActiveAt: string | null, sessionId = 's-1'): RecordSessionEnd => ({
  kind: 'RecordSessionEnd',
  sessionId,
  lastActiveAt: lastActiveAt === null ? null : new Date(lastActiveAt),
  idleSeconds: DAY,
  asOf: new Date(asOf),
});

describe('account decider: recording sessions that time ended (audit trail)', () => {
  it('records an idle session as ended when its idle limit was reached', () => {
    spec
      .given([registered, started])
      .when(record('2026-01-07T00:00:00Z', '2026-01-05T10:00:00Z'))
      .then([endedBy('idle', '2026-01-06T10:00:00.000Z')]);
  });

  it('counts the idle limit as reached at its exact instant, as the session check does', () => {
    spec
      .given([registered, started])
      .when(record('2026-01-06T10:00:00Z', '2026-01-05T10:00:00Z'))
      .then([endedBy('idle', '2026-01-06T10:00:00.000Z')]);
  });

  it('records a session used until its absolute end as expired at that end', () => {
    spec
      .given([registered, started])
      .when(record('2026-02-05T00:00:00Z', '2026-02-04T08:00:00Z'))
      .then([endedBy('expired', '2026-02-04T09:00:00.000Z')]);
  });

  it('without activity on record, only the absolute end counts', () => {
    spec.given([registered, started]).when(record('2026-01-20T00:00:00Z', null)).then([]);
    spec
      .given([registered, started])
      .when(record('2026-02-05T00:00:00Z', null))
      .then([endedBy('expired', '2026-02-04T09:00:00.000Z')]);
  });

  it('records nothing for a session still live', () => {
    spec.given([registered, started]).when(record('2026-01-06T09:59:59Z', '2026-01-05T10:00:00Z')).then([]);
  });

  it('records once: a second run finds the session ended', () => {
    spec
      .given([registered, started, endedBy('idle', '2026-01-06T10:00:00.000Z')])
      .when(record('2026-01-08T00:00:00Z', '2026-01-05T10:00:00Z'))
      .then([]);
  });

  it('records nothing for a session ended otherwise, an unknown session, or an unknown account', () => {
    spec
      .given([registered, started, endedBy('signed_out')])
      .when(record('2026-03-01T00:00:00Z', '2026-01-05T10:00:00Z'))
      .then([]);
    spec
      .given([registered, started])
      .when(record('2026-03-01T00:00:00Z', '2026-01-05T10:00:00Z', 's-unknown'))
      .then([]);
    spec.given([]).when(record('2026-03-01T00:00:00Z', '2026-01-05T10:00:00Z')).then([]);
  });

  it('still records a session past its absolute end after later events of the account', () => {
    spec
      .given([registered, started, { ...verified, occurredAt: '2026-02-10T00:00:00.000Z' }])
      .when(record('2026-02-11T00:00:00Z', null))
      .then([endedBy('expired', '2026-02-04T09:00:00.000Z')]);
  });
});
