import { createTestApp, TestApp } from '@app/test-app';
import { accountsClient } from './accounts-client';

describe('staff roles, bootstrap admin and suspension', () => {
  let app: TestApp;
  let client: ReturnType<typeof accountsClient>;
  beforeAll(async () => {
    app = await createTestApp({ env: { BOOTSTRAP_ADMIN_EMAIL: 'Boss@Example.com' } });
    client = accountsClient(app);
  });
  afterAll(() => app.close());

  const setRoles = (accountId: string, roles: unknown, token?: string) =>
    app.inject({ method: 'PUT', url: `/v1/admin/accounts/${accountId}/roles`, payload: { roles }, token });
  const suspend = (accountId: string, token: string) =>
    app.inject({ method: 'POST', url: `/v1/support/accounts/${accountId}/suspend`, payload: { reason: 'payment fraud' }, token });

  let adminToken: string;

  it('does not make the bootstrap email admin until it is verified', async () => {
    const bossId = await client.register('boss@example.com');
    const before = await client.signIn('boss@example.com');
    expect((await client.me(before.accessToken)).json().roles).toEqual([]);
    expect((await setRoles(bossId, ['support'], before.accessToken)).statusCode).toBe(403);

    await client.verifyEmail('boss@example.com');
    expect((await client.me(before.accessToken)).json().roles).toEqual(['admin']);
    adminToken = before.accessToken;
  });

  it('lets only an admin set roles: 401 without a token, 403 forbidden for others, 404 for an unknown account', async () => {
    const staffId = await client.register('new-support@example.com');
    const plain = await client.signIn('new-support@example.com');
    expect((await setRoles(staffId, ['support'])).statusCode).toBe(401);
    const forbidden = await setRoles(staffId, ['support'], plain.accessToken);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toEqual({ error: 'forbidden', message: expect.any(String) });
    expect((await setRoles('00000000-0000-0000-0000-000000000000', ['support'], adminToken)).statusCode).toBe(404);
    expect((await setRoles(staffId, ['superuser'], adminToken)).json().error).toBe('invalid_request');

    const granted = await setRoles(staffId, ['support', 'auditor'], adminToken);
    expect(granted.statusCode).toBe(200);
    expect(granted.json()).toEqual({ accountId: staffId, roles: ['support', 'auditor'] });
    // Roles take effect on the next request with the same token; they are events in the account stream.
    expect((await client.me(plain.accessToken)).json().roles).toEqual(['support', 'auditor']);
    const events = await app.runtime.eventStore.readStream(`account-${staffId}`);
    expect(events.at(-1)).toMatchObject({
      type: 'account.staff_roles_changed',
      data: { roles: ['support', 'auditor'], previousRoles: [] },
      metadata: { actor: { kind: 'staff' } },
    });
  });

  it('suspension by support ends every session at once; reinstatement lets the holder sign in again', async () => {
    const supportId = await client.register('support-agent@example.com');
    await setRoles(supportId, ['support'], adminToken);
    const support = await client.signIn('support-agent@example.com');

    const holderId = await client.register('holder@example.com');
    const laptop = await client.signIn('holder@example.com');
    const phone = await client.signIn('holder@example.com');

    expect((await suspend(holderId, laptop.accessToken)).statusCode).toBe(403);
    expect((await suspend(holderId, adminToken)).statusCode).toBe(403);
    expect((await suspend(holderId, support.accessToken)).statusCode).toBe(204);

    expect((await client.me(laptop.accessToken)).statusCode).toBe(401);
    expect((await client.me(phone.accessToken)).statusCode).toBe(401);
    expect((await client.refresh(phone.refreshToken)).statusCode).toBe(401);
    expect((await client.login('holder@example.com')).json().error).toBe('account_suspended');

    const reinstate = await app.inject({ method: 'POST', url: `/v1/support/accounts/${holderId}/reinstate`, token: support.accessToken });
    expect(reinstate.statusCode).toBe(204);
    expect((await client.me(laptop.accessToken)).statusCode).toBe(401);
    expect((await client.login('holder@example.com')).statusCode).toBe(200);
  });

  it('lets support suspend neither an account holding a staff role nor their own; an admin may suspend staff, never themselves', async () => {
    const bossId = (await client.me(adminToken)).json().accountId as string;
    const supportId = await client.register('support-two@example.com');
    await setRoles(supportId, ['support'], adminToken);
    const support = await client.signIn('support-two@example.com');
    const colleagueId = await client.register('support-three@example.com');
    await setRoles(colleagueId, ['billing'], adminToken);
    const reinstate = (accountId: string, token: string) =>
      app.inject({ method: 'POST', url: `/v1/support/accounts/${accountId}/reinstate`, token });

    for (const target of [bossId, colleagueId, supportId]) {
      const refused = await suspend(target, support.accessToken);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({ error: 'forbidden', message: expect.any(String) });
      expect((await reinstate(target, support.accessToken)).statusCode).toBe(403);
    }
    expect((await client.me(adminToken)).statusCode).toBe(200);
    const written = (await app.runtime.eventStore.readStream(`account-${bossId}`)).map((event) => event.type);
    expect(written).not.toContain('account.suspended');

    // Roles do not imply each other: the admin grants itself support to reach the support routes.
    await setRoles(bossId, ['support'], adminToken);
    expect((await suspend(bossId, adminToken)).statusCode).toBe(403);
    expect((await suspend(colleagueId, adminToken)).statusCode).toBe(204);
    expect((await client.login('support-three@example.com')).json().error).toBe('account_suspended');
    expect((await reinstate(colleagueId, adminToken)).statusCode).toBe(204);
  });
});
