import { STAFF_ROLES } from '@app/auth';
import { createTestApp, InjectResponse, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { Holder, signIn, signUp, staffMember } from '../e2e/api-keys/api-keys.helpers';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Route {
  readonly method: Method;
  readonly template: string;
  /** `serviceToken`, or the staff roles of an account route (none: any signed-in account). */
  readonly audience: { kind: 'service' } | { kind: 'account'; roles: readonly string[] };
}

const BOOTSTRAP = 'boot-admin@example.com';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The caller never got past authentication or the role check: its own 401, or the guard's 403. */
const refused = (response: InjectResponse) =>
  response.statusCode === 401 || (response.statusCode === 403 && response.json<{ error?: string }>().error === 'forbidden');

/**
 * Every route of the API reference, called as each audience: a plain account, one account per staff
 * role (holding that role only) and the platform service token. Only the audience the document names
 * passes authentication and the role check; the rest are refused and write nothing. The routes come from
 * `/docs`, so a new route is covered the day it is documented.
 */
describe('every route as every audience (driven by the API reference)', () => {
  let app: TestApp;
  let routes: Route[];
  const callers = new Map<string, Holder>();

  beforeAll(async () => {
    app = await createTestApp({ env: { BOOTSTRAP_ADMIN_EMAIL: BOOTSTRAP } });
    const admin = await staffMember(app, BOOTSTRAP, ['admin']);
    callers.set('admin', admin);
    for (const role of STAFF_ROLES.filter((role) => role !== 'admin')) {
      const holder = await signUp(app, `${role}@example.com`);
      const granted = await app.inject({
        method: 'PUT',
        url: `/v1/admin/accounts/${holder.accountId}/roles`,
        token: admin.token,
        payload: { roles: [role] },
      });
      expect(granted.statusCode).toBe(200);
      callers.set(role, holder);
    }
    callers.set('account', await signUp(app, 'plain@example.com'));

    const docs = await app.inject({ method: 'GET', url: '/docs' });
    const paths = docs.json<{ paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>> }>().paths;
    routes = Object.entries(paths)
      // /metrics has a scheme of its own (METRICS_TOKEN), off in the test app.
      .filter(([path]) => path !== '/metrics')
      .flatMap(([template, operations]) =>
        Object.entries(operations)
          .filter(([method, operation]) => METHODS.includes(method) && (operation.security?.length ?? 0) > 0)
          .map(([method, operation]): Route => {
            const [requirement] = operation.security!;
            return {
              method: method.toUpperCase() as Method,
              template,
              audience: 'serviceToken' in requirement ? { kind: 'service' } : { kind: 'account', roles: requirement.accountBearer ?? [] },
            };
          }),
      );
  }, 180_000);

  afterAll(() => app?.close());

  const call = (route: Route, token: string, url = route.template.replace(/\{[^}]+\}/g, UNKNOWN_ID)) =>
    app.inject({
      method: route.method,
      url,
      token,
      headers: { 'content-type': 'application/json' },
      payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
    });

  /** A route let through may end the caller's session (sign-out): sign in again for the next route. */
  async function keepSignedIn(name: string): Promise<void> {
    const holder = callers.get(name)!;
    if ((await app.inject({ method: 'GET', url: '/v1/me', token: holder.token })).statusCode === 401) {
      holder.token = await signIn(app, holder.email);
    }
  }

  it('documents staff routes with their roles and the platform routes with the service token', () => {
    const staff = routes.filter((route) => route.audience.kind === 'account' && route.audience.roles.length > 0);
    const service = routes.filter((route) => route.audience.kind === 'service');
    const rolesNamed = new Set(staff.flatMap((route) => (route.audience.kind === 'account' ? route.audience.roles : [])));
    expect([...rolesNamed].sort()).toEqual([...STAFF_ROLES].sort());
    expect(service.map((route) => `${route.method} ${route.template}`)).toEqual(
      expect.arrayContaining(['POST /v1/keys/verify', 'POST /v1/usage']),
    );
  });

  it('lets only the documented audience through: everyone else is refused (401, or 403 for a missing role) and nothing is written', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const audiences: Array<[string, string, boolean]> = [
        ['service', TEST_SERVICE_TOKEN, route.audience.kind === 'service'],
        ...[...callers.keys()].map((name): [string, string, boolean] => [
          name,
          callers.get(name)!.token,
          route.audience.kind === 'account' && (route.audience.roles.length === 0 || route.audience.roles.includes(name)),
        ]),
      ];
      for (const [name, token, intended] of audiences) {
        const before = await app.runtime.eventStore.headPosition();
        const response = await call(route, token);
        checked++;
        if (intended) {
          if (refused(response))
            wrong.push(`${route.method} ${route.template} as ${name}: refused ${response.statusCode} ${response.body}`);
          if (name !== 'service') await keepSignedIn(name);
        } else {
          const expected = route.audience.kind === 'account' && route.audience.roles.length > 0 && name !== 'service' ? 403 : 401;
          if (response.statusCode !== expected)
            wrong.push(`${route.method} ${route.template} as ${name}: ${response.statusCode}, expected ${expected}`);
          if ((await app.runtime.eventStore.headPosition()) !== before)
            wrong.push(`${route.method} ${route.template} as ${name}: wrote an event`);
        }
      }
    }
    expect(checked).toBeGreaterThan(routes.length * 5);
    expect(wrong).toEqual([]);
  });

  it("answers another account's resource exactly like an unknown one on every account route with an id, writing nothing", async () => {
    const owner = await signUp(app, 'owner@example.com');
    const key = await app.inject({ method: 'POST', url: '/v1/api-keys', token: owner.token, payload: { name: 'owner', scopes: ['chat'] } });
    const factor = await app.inject({ method: 'POST', url: '/v1/me/mfa/totp', token: owner.token, payload: {} });
    await app.settle();
    const sessions = await app.inject({ method: 'GET', url: '/v1/sessions', token: owner.token });
    expect([key.statusCode, factor.statusCode, sessions.statusCode]).toEqual([201, 201, 200]);
    // The owner's resource of each kind, by the path segment before the id.
    const owned: Record<string, string> = {
      'api-keys': key.json<{ id: string }>().id,
      totp: factor.json<{ factorId: string }>().factorId,
      mfa: factor.json<{ factorId: string }>().factorId,
      sessions: sessions.json<{ items: Array<{ id: string }> }>().items[0].id,
    };
    const intruder = callers.get('account')!;
    const compared: string[] = [];
    const wrong: string[] = [];
    for (const route of routes.filter((route) => route.audience.kind === 'account' && route.audience.roles.length === 0)) {
      const kind = /\/([^/{}]+)\/\{[^}]+\}/.exec(route.template)?.[1];
      const id = kind ? owned[kind] : undefined;
      if (!id) continue;
      const before = await app.runtime.eventStore.headPosition();
      const theirs = await call(route, intruder.token, route.template.replace(/\{[^}]+\}/, id));
      const unknown = await call(route, intruder.token, route.template.replace(/\{[^}]+\}/, UNKNOWN_ID));
      compared.push(`${route.method} ${route.template} -> ${theirs.statusCode}`);
      if (theirs.statusCode !== unknown.statusCode || theirs.body !== unknown.body || theirs.statusCode < 400) {
        wrong.push(
          `${route.method} ${route.template}: ${theirs.statusCode} ${theirs.body} against unknown ${unknown.statusCode} ${unknown.body}`,
        );
      }
      if ((await app.runtime.eventStore.headPosition()) !== before) wrong.push(`${route.method} ${route.template}: wrote an event`);
      await keepSignedIn('account');
    }
    expect(wrong).toEqual([]);
    expect(compared.filter((line) => line.endsWith('404')).length).toBeGreaterThanOrEqual(4);
    const mine = await app.inject({ method: 'GET', url: `/v1/api-keys/${owned['api-keys']}`, token: owner.token });
    expect(mine.json()).toEqual(expect.objectContaining({ name: 'owner' }));
  });
});
