import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';

// Strong under the password policy: every class, no 4-letter dictionary word, not the email.
const PASSWORD = 'Xq7#vLp2!mZk9w';

interface Signed {
  readonly accountId: string;
  readonly sessionId: string;
  accessToken: string;
  refreshToken: string;
}

describe('Sessions: the sweep that records idle and expired endings in the audit trail', () => {
  let app: TestApp;
  let clock: ManualClock;
  let runs = 0;

  beforeAll(async () => {
    clock = new ManualClock('2026-01-05T09:00:00.000Z');
    app = await createTestApp({ clock, env: { SESSION_IDLE_SECONDS: '3600', SESSION_MAX_SECONDS: '7200' } });
  });

  afterAll(() => app.close());

  const signUpAndIn = async (email: string): Promise<Signed> => {
    const registered = await app.inject({ method: 'POST', url: '/v1/accounts', payload: { email, password: PASSWORD } });
    expect(registered.statusCode).toBe(201);
    const signedIn = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: PASSWORD } });
    expect(signedIn.statusCode).toBe(200);
    const { accessToken, refreshToken } = signedIn.json<{ accessToken: string; refreshToken: string }>();
    const { sid } = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as { sid: string };
    return { accountId: registered.json().accountId, sessionId: sid, accessToken, refreshToken };
  };
  const refresh = async (signed: Signed) => {
    const response = await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: signed.refreshToken } });
    if (response.statusCode === 200) Object.assign(signed, response.json<{ accessToken: string; refreshToken: string }>());
    return response.statusCode;
  };
  /** One run of the scheduled job, through the queue as the schedule enqueues it. */
  const sweep = async () => {
    await app.settle();
    await app.runtime.queue.enqueue('sessions', 'record-session-ends', {}, { jobId: `session-end-sweep-spec-${++runs}` });
    await app.settle();
  };
  const endings = async (signed: Signed) =>
    (await app.runtime.eventStore.readStream(`session-${signed.sessionId}`))
      .filter((event) => event.type === 'session.ended')
      .map((event) => ({ reason: event.data.reason, endedAt: event.data.endedAt, actor: event.metadata.actor.kind }));

  it('records an idle session and one used up to its absolute end, each once, and leaves signed-out sessions alone', async () => {
    const idle = await signUpAndIn('idle@example.com');
    const busy = await signUpAndIn('busy@example.com');
    const signedOut = await signUpAndIn('gone@example.com');
    expect((await app.inject({ method: 'POST', url: '/v1/auth/logout', token: signedOut.accessToken })).statusCode).toBe(204);

    // busy keeps its session in use every 30 minutes, up to its absolute end (2 hours).
    for (const minutes of [30, 30, 30, 25]) {
      clock.advanceSeconds(minutes * 60);
      expect(await refresh(busy)).toBe(200);
    }
    // Decided when read: the idle session is refused before any sweep recorded anything.
    expect(await endings(idle)).toEqual([]);
    expect(await refresh(idle)).toBe(401);

    await sweep();
    expect(await endings(idle)).toEqual([{ reason: 'idle', endedAt: '2026-01-05T10:00:00.000Z', actor: 'system' }]);
    expect(await endings(busy)).toEqual([]);

    clock.advanceSeconds(7 * 60); // 2 h 02 min after sign-in: busy is past its absolute end.
    expect(await refresh(busy)).toBe(401);

    await sweep();
    expect(await endings(busy)).toEqual([{ reason: 'expired', endedAt: '2026-01-05T11:00:00.000Z', actor: 'system' }]);
    expect(await endings(idle)).toHaveLength(1);
    expect(await endings(signedOut)).toEqual([{ reason: 'signed_out', endedAt: undefined, actor: 'account' }]);

    await sweep();
    expect(await endings(idle)).toHaveLength(1);
    expect(await endings(busy)).toHaveLength(1);
  });

  it('leaves a session alone while it is in use, and records its end only a minute after time decided it', async () => {
    const user = await signUpAndIn('user@example.com');
    clock.advanceSeconds(50 * 60);
    expect(await refresh(user)).toBe(200);
    const idleFrom = new Date(clock.now().getTime() + 3600_000).toISOString();
    await sweep();
    expect(await endings(user)).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/v1/me', token: user.accessToken })).statusCode).toBe(200);

    // A request that found the session live just before the limit may still be writing its activity.
    clock.advanceSeconds(3600 + 30);
    expect(await refresh(user)).toBe(401);
    await sweep();
    expect(await endings(user)).toEqual([]);

    clock.advanceSeconds(60);
    await sweep();
    expect(await endings(user)).toEqual([{ reason: 'idle', endedAt: idleFrom, actor: 'system' }]);
    expect(await refresh(user)).toBe(401);
  });
});
