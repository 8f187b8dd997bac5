import { SessionEventType } from '@app/sessions';
import { ProjectionTestbed } from '@app/projections';
import { recordedEvent } from '@app/testing';
import { ACCOUNT_SESSIONS_TABLE, accountSessionsEventTypes, accountSessionsProjection } from './account-sessions.projection';

const events = [
  recordedEvent(
    'session-s-1',
    0,
    SessionEventType.Started,
    {
      sessionId: 's-1',
      accountId: 'a-1',
      method: 'password',
      expiresAt: '2026-02-04T09:00:00.000Z',
      accountEpoch: 0,
      ip: '203.0.113.7',
      userAgent: 'Firefox/140',
    },
    {
      accountId: 'a-1',
      occurredAt: '2026-01-05T09:00:00.000Z',
      ip: '203.0.113.7',
      userAgent: 'Firefox/140',
    },
  ),
  recordedEvent(
    'session-s-2',
    0,
    SessionEventType.Started,
    {
      sessionId: 's-2',
      accountId: 'a-1',
      method: 'password',
      expiresAt: '2026-02-04T10:00:00.000Z',
      accountEpoch: 0,
      ip: null,
      userAgent: null,
    },
    {
      accountId: 'a-1',
      occurredAt: '2026-01-05T10:00:00.000Z',
    },
  ),
  recordedEvent(
    'session-s-1',
    1,
    SessionEventType.Ended,
    { sessionId: 's-1', accountId: 'a-1', reason: 'signed_out' },
    {
      accountId: 'a-1',
      occurredAt: '2026-01-05T11:00:00.000Z',
    },
  ),
];

describe('AccountSessions projection', () => {
  let testbed: ProjectionTestbed;
  // One database for the file, emptied before each test: a new PGlite costs about 0.9 s of CPU.
  beforeAll(async () => {
    testbed = await ProjectionTestbed.create(accountSessionsProjection);
  });
  beforeEach(() => testbed.db.exec(`DELETE FROM ${ACCOUNT_SESSIONS_TABLE}`));
  afterAll(() => testbed.close());

  const rows = () =>
    testbed.rows(
      `SELECT session_id, account_id, method, created_at::text AS created_at, expires_at::text AS expires_at, ip, user_agent,
              ended_at::text AS ended_at, end_reason FROM ${ACCOUNT_SESSIONS_TABLE} ORDER BY session_id`,
    );

  it('reads the event types the sessions context writes', () => {
    expect(Object.values(SessionEventType)).toEqual(expect.arrayContaining([...accountSessionsEventTypes]));
  });

  it('keeps one row per session with where it started, and when and why it ended', async () => {
    await testbed.feed(events);
    expect(await rows()).toEqual([
      {
        session_id: 's-1',
        account_id: 'a-1',
        method: 'password',
        created_at: '2026-01-05 09:00:00+00',
        expires_at: '2026-02-04 09:00:00+00',
        ip: '203.0.113.7',
        user_agent: 'Firefox/140',
        ended_at: '2026-01-05 11:00:00+00',
        end_reason: 'signed_out',
      },
      {
        session_id: 's-2',
        account_id: 'a-1',
        method: 'password',
        created_at: '2026-01-05 10:00:00+00',
        expires_at: '2026-02-04 10:00:00+00',
        ip: null,
        user_agent: null,
        ended_at: null,
        end_reason: null,
      },
    ]);
  });

  it('dates an idle or expired ending at the instant time ended the session, not when the sweep recorded it', async () => {
    await testbed.feed([
      ...events,
      recordedEvent(
        'session-s-2',
        1,
        SessionEventType.Ended,
        { sessionId: 's-2', accountId: 'a-1', reason: 'idle', endedAt: '2026-01-06T10:00:00.000Z' },
        {
          accountId: 'a-1',
          occurredAt: '2026-01-06T10:04:00.000Z',
        },
      ),
    ]);
    expect(await rows()).toEqual([
      expect.objectContaining({ session_id: 's-1', ended_at: '2026-01-05 11:00:00+00', end_reason: 'signed_out' }),
      expect.objectContaining({ session_id: 's-2', ended_at: '2026-01-06 10:00:00+00', end_reason: 'idle' }),
    ]);
  });

  it('gives the same rows when the same events are fed twice', async () => {
    await testbed.feed(events);
    const once = await rows();
    await testbed.feed(events);
    expect(await rows()).toEqual(once);
  });
});
