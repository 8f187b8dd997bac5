import { createTemporaryDatabase, describeWithEnv, TemporaryDatabase } from '@app/testing';
import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient } from './accounts-client';

describeWithEnv('DATABASE_URL', 'sign-in and sessions on PostgreSQL', (serverUrl) => {
  let database: TemporaryDatabase;
  let app: TestApp;
  let client: ReturnType<typeof accountsClient>;
  beforeAll(async () => {
    database = await createTemporaryDatabase(serverUrl, 'auth_e2e');
    app = await createTestApp({ env: { DATABASE_URL: database.url } });
    client = accountsClient(app);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('signs in, uses the token at once, rotates, and ends the session when a rotated token comes back', async () => {
    await client.register('pg-user@example.com');
    const first = await client.signIn('PG-User@example.com');
    expect((await client.me(first.accessToken)).statusCode).toBe(200);
    const second = (await client.refresh(first.refreshToken)).json();
    expect((await client.refresh(first.refreshToken)).statusCode).toBe(401);
    expect((await client.me(second.accessToken)).statusCode).toBe(401);
  });

  it('locks after 5 failures and lists then ends sessions', async () => {
    await client.register('pg-locked@example.com');
    for (let i = 0; i < 5; i++) await client.login('pg-locked@example.com', `Wrong-Password-${i}`);
    expect((await client.login('pg-locked@example.com')).statusCode).toBe(423);

    await client.register('pg-lister@example.com');
    const a = await client.signIn('pg-lister@example.com');
    const b = await client.signIn('pg-lister@example.com');
    await app.settle();
    expect((await app.inject({ method: 'GET', url: '/v1/sessions', token: a.accessToken })).json().items).toHaveLength(2);
    expect((await app.inject({ method: 'DELETE', url: '/v1/sessions', token: a.accessToken })).statusCode).toBe(204);
    expect((await client.me(b.accessToken)).statusCode).toBe(401);
    expect((await client.me(a.accessToken)).statusCode).toBe(200);
  });
});
