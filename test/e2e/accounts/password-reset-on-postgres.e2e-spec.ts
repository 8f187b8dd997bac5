import { createTemporaryDatabase, describeWithEnv, TemporaryDatabase } from '@app/testing';
import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient } from '../auth/accounts-client';

const NEW_PASSWORD = 'Rj4$wTn8@qGz2x';

describeWithEnv('DATABASE_URL', 'password reset on PostgreSQL', (serverUrl) => {
  const databases: TemporaryDatabase[] = [];
  const apps: TestApp[] = [];
  const start = async (options: { readSide: boolean }) => {
    const database = await createTemporaryDatabase(serverUrl, 'password_reset_e2e');
    databases.push(database);
    const app = await createTestApp({ readSide: options.readSide, env: { DATABASE_URL: database.url } });
    apps.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const database of databases) await database.drop();
  });

  const requestReset = (app: TestApp, email: string) => app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } });

  it('mails a link that sets the password once and clears the lockout; an unknown email gets nothing', async () => {
    const app = await start({ readSide: true });
    const client = accountsClient(app);
    await client.register('pg-reset@example.com');
    for (let i = 0; i < 5; i++) await client.login('pg-reset@example.com', `Wrong-Password-${i}`);
    expect((await client.login('pg-reset@example.com')).statusCode).toBe(423);

    expect((await requestReset(app, 'pg-reset@example.com')).body).toBe('{}');
    expect((await requestReset(app, 'pg-nobody@example.com')).body).toBe('{}');
    await app.settle();
    const match = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(app.mailer.to('pg-reset@example.com').at(-1)?.text ?? '');
    expect(match).not.toBeNull();
    expect(app.mailer.to('pg-nobody@example.com')).toEqual([]);

    const confirm = () =>
      app.inject({ method: 'POST', url: '/v1/auth/password-reset/confirm', payload: { token: match![1], newPassword: NEW_PASSWORD } });
    expect((await confirm()).statusCode).toBe(204);
    expect((await confirm()).json().error).toBe('invalid_token');
    expect((await client.login('pg-reset@example.com', NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('takes about as long for an unknown email as for a known one (printed, not compared)', async () => {
    // Without the read side in this process, as in production where the worker runs it.
    const app = await start({ readSide: false });
    const client = accountsClient(app);
    const emails = Array.from({ length: 5 }, (_, i) => `pg-timing-${i}@example.com`);
    for (const email of emails) await client.register(email);
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      const response = await requestReset(app, email);
      expect(response.statusCode).toBe(202);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    for (let i = 0; i < 5; i++) await timed(i % 2 ? emails[0] : `pg-warm-up-${i}@example.com`);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (const email of emails) {
        known.push(await timed(email));
        unknown.push(await timed(`pg-unknown-${round}-${email}`));
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
    process.stdout.write(
      `password reset request, PostgreSQL on loopback: known email median ${median(known).toFixed(2)} ms (p90 ${p90(known).toFixed(2)}), ` +
        `unknown email median ${median(unknown).toFixed(2)} ms (p90 ${p90(unknown).toFixed(2)}), ${known.length} each\n`,
    );
  });
});
