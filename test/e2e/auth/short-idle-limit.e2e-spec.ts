import { ManualClock } from '@app/ddd';
import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient } from './accounts-client';

describe('sessions with a short idle limit (SESSION_IDLE_SECONDS=4)', () => {
  let app: TestApp;
  let clock: ManualClock;
  let client: ReturnType<typeof accountsClient>;
  beforeAll(async () => {
    clock = new ManualClock('2026-01-05T09:00:00.000Z');
    app = await createTestApp({ clock, env: { SESSION_IDLE_SECONDS: '4' } });
    client = accountsClient(app);
  });
  afterAll(() => app.close());

  it('keeps a session used every 2 seconds alive, and ends it 4 seconds after its last use', async () => {
    await client.register('busy-bee@example.com');
    const tokens = await client.signIn('busy-bee@example.com');
    for (let elapsed = 0; elapsed < 20; elapsed += 2) {
      clock.advanceSeconds(2);
      expect((await client.me(tokens.accessToken)).statusCode).toBe(200);
    }
    clock.advanceSeconds(3);
    expect((await client.me(tokens.accessToken)).statusCode).toBe(200);
    clock.advanceSeconds(4);
    expect((await client.me(tokens.accessToken)).statusCode).toBe(401);
    expect((await client.refresh(tokens.refreshToken)).statusCode).toBe(401);
  });
});
