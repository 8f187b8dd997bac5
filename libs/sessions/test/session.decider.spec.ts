import {
  AccountFacts,
  initialSessionState,
  sessionDecider,
  SessionEndReason,
  SessionEventType,
  sessionIsLive,
  SessionState,
} from '@app/sessions';
import { deciderSpec } from '@app/testing';

type RecordSessionEnd = Extract<Parameters<typeof sessionDecider.decide>[0], { kind: 'RecordSessionEnd' }>;

const spec = deciderSpec(sessionDecider);
const DAY = 86_400;
const now = new Date('2026-01-05T09:00:00Z');
const active: AccountFacts = { suspended: false, sessionEpoch: 2 };
// Started 2026-01-05T09:00Z with a 30-day absolute end, in the account's session epoch 2.
const started = {
  type: SessionEventType.Started,
  data: {
    sessionId: 's-1',
    accountId: 'a-1',
    method: 'password' as const,
    expiresAt: '2026-02-04T09:00:00.000Z',
    accountEpoch: 2,
    ip: '203.0.113.7',
    userAgent: 'Firefox/140',
  },
};
const endedBy = (reason: SessionEndReason, endedAt?: string) => ({
  type: SessionEventType.Ended,
  data: { sessionId: 's-1', accountId: 'a-1', reason, ...(endedAt === undefined ? {} : { endedAt }) },
});
const record = (asOf: string, lastActiveAt: string | null): RecordSessionEnd => ({
  kind: 'RecordSessionEnd',
  lastActiveAt: lastActiveAt === null ? null : new Date(lastActiveAt),
  idleSeconds: DAY,
  asOf: new Date(asOf),
});
const stateOf = (events: Parameters<typeof spec.given>[0]): SessionState => spec.given(events).state;

describe('session decider: starting', () => {
  const start = {
    kind: 'StartSession',
    sessionId: 's-1',
    accountId: 'a-1',
    method: 'password',
    account: active,
    ip: '203.0.113.7',
    userAgent: 'Firefox/140',
    now,
    maxSeconds: 30 * DAY,
  } as const;

  it('starts a session that ends at the latest SESSION_MAX_SECONDS later, in the epoch the sign-in read', () => {
    spec.given([]).when(start).then([started]);
  });

  it('records the second factor the sign-in completed with', () => {
    const [event] = spec
      .given([])
      .when({ ...start, secondFactor: 'totp' })
      .events();
    expect(event.data).toMatchObject({ secondFactor: 'totp' });
  });

  it('refuses a suspended account', () => {
    spec
      .given([])
      .when({ ...start, account: { ...active, suspended: true } })
      .thenThrows('account_suspended');
  });
});

describe('session decider: liveness, decided from the session and the account', () => {
  const at = (iso: string) => new Date(iso);

  it('is live while started, not ended, before its absolute end, and in the account current epoch', () => {
    expect(sessionIsLive(stateOf([started]), active, at('2026-01-10T00:00:00Z'))).toBe(true);
  });

  it('ends with any account event that moves the epoch on, even before its own end is recorded', () => {
    expect(sessionIsLive(stateOf([started]), { suspended: false, sessionEpoch: 3 }, at('2026-01-10T00:00:00Z'))).toBe(false);
  });

  it('is not live for a suspended account, past its absolute end, once ended, or never started', () => {
    expect(sessionIsLive(stateOf([started]), { ...active, suspended: true }, at('2026-01-10T00:00:00Z'))).toBe(false);
    expect(sessionIsLive(stateOf([started]), active, at('2026-02-04T09:00:00Z'))).toBe(false);
    expect(sessionIsLive(stateOf([started, endedBy('signed_out')]), active, at('2026-01-10T00:00:00Z'))).toBe(false);
    expect(sessionIsLive(initialSessionState, active, at('2026-01-10T00:00:00Z'))).toBe(false);
  });
});

describe('session decider: ending', () => {
  const end = (accountId: string, at = now) => ({ kind: 'EndSession', accountId, reason: 'signed_out', now: at }) as const;

  it('ends a session of the asking account, and answers not_found for another account, an ended or an expired one', () => {
    spec
      .given([started])
      .when(end('a-1'))
      .then([endedBy('signed_out')]);
    spec.given([started]).when(end('a-2')).thenThrows('not_found');
    spec
      .given([started, endedBy('signed_out')])
      .when(end('a-1'))
      .thenThrows('not_found');
    spec
      .given([started])
      .when(end('a-1', new Date('2026-02-04T09:00:00Z')))
      .thenThrows('not_found');
    spec.given([]).when(end('a-1')).thenThrows('not_found');
  });

  it('records the end an account event decided, once, only for sessions of an older epoch', () => {
    spec
      .given([started])
      .when({ kind: 'RecordAccountEnd', reason: 'password_changed', accountEpoch: 3 })
      .then([endedBy('password_changed')]);
    spec.given([started]).when({ kind: 'RecordAccountEnd', reason: 'suspended', accountEpoch: 2 }).then([]);
    spec
      .given([started, endedBy('password_changed')])
      .when({ kind: 'RecordAccountEnd', reason: 'suspended', accountEpoch: 4 })
      .then([]);
  });
});

describe('session decider: recording sessions that time ended (audit trail)', () => {
  it('records an idle session as ended when its idle limit was reached', () => {
    spec
      .given([started])
      .when(record('2026-01-07T00:00:00Z', '2026-01-05T10:00:00Z'))
      .then([endedBy('idle', '2026-01-06T10:00:00.000Z')]);
  });

  it('counts the idle limit as reached at its exact instant, as the session check does', () => {
    spec
      .given([started])
      .when(record('2026-01-06T10:00:00Z', '2026-01-05T10:00:00Z'))
      .then([endedBy('idle', '2026-01-06T10:00:00.000Z')]);
  });

  it('records a session used until its absolute end as expired at that end', () => {
    spec
      .given([started])
      .when(record('2026-02-05T00:00:00Z', '2026-02-04T08:00:00Z'))
      .then([endedBy('expired', '2026-02-04T09:00:00.000Z')]);
  });

  it('without activity on record, only the absolute end counts', () => {
    spec.given([started]).when(record('2026-01-20T00:00:00Z', null)).then([]);
    spec
      .given([started])
      .when(record('2026-02-05T00:00:00Z', null))
      .then([endedBy('expired', '2026-02-04T09:00:00.000Z')]);
  });

  it('records nothing for a session still live', () => {
    spec.given([started]).when(record('2026-01-06T09:59:59Z', '2026-01-05T10:00:00Z')).then([]);
  });

  it('records once: a second run finds the session ended', () => {
    spec
      .given([started, endedBy('idle', '2026-01-06T10:00:00.000Z')])
      .when(record('2026-01-08T00:00:00Z', '2026-01-05T10:00:00Z'))
      .then([]);
  });

  it('records nothing for a session ended otherwise, or an unknown session', () => {
    spec
      .given([started, endedBy('signed_out')])
      .when(record('2026-03-01T00:00:00Z', '2026-01-05T10:00:00Z'))
      .then([]);
    spec.given([]).when(record('2026-03-01T00:00:00Z', '2026-01-05T10:00:00Z')).then([]);
  });
});
