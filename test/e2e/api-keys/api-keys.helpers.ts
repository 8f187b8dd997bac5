import { Schema } from '@app/client';
import { TestApp, TEST_SERVICE_TOKEN } from '@app/test-app';

/** Letters in runs of two at most: no dictionary word can hide in it. */
export const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';

export interface Holder {
  readonly accountId: string;
  readonly email: string;
  token: string;
}

// Through the typed client generated from the API reference (libs/client): paths, bodies and answers are typed.
export async function signIn(app: TestApp, email: string): Promise<string> {
  const { data, error, response } = await app.client.POST('/v1/auth/login', { body: { email, password: PASSWORD } });
  if (!data || !('accessToken' in data)) throw new Error(`sign-in of ${email}: ${response.status} ${JSON.stringify(error ?? data)}`);
  return data.accessToken;
}

export async function signUp(app: TestApp, email: string): Promise<Holder> {
  const { data, error, response } = await app.client.POST('/v1/accounts', { body: { email, password: PASSWORD } });
  if (!data) throw new Error(`registration of ${email}: ${response.status} ${JSON.stringify(error)}`);
  return { accountId: data.accountId, email, token: await signIn(app, email) };
}

/**
 * A staff member the way an operator makes one: the bootstrap admin (BOOTSTRAP_ADMIN_EMAIL) verifies
 * its address from the mail it received, then grants itself `roles`.
 */
export async function staffMember(app: TestApp, bootstrapEmail: string, roles: string[]): Promise<Holder> {
  const admin = await signUp(app, bootstrapEmail);
  await app.settle();
  const mail = app.mailer
    .to(bootstrapEmail)
    .map((message) => `${message.text ?? ''} ${message.html ?? ''}`)
    .join(' ');
  const token = /verify-email\?token=([^\s"&<]+)/.exec(mail)?.[1];
  if (!token) throw new Error('no verification link was mailed');
  const verified = await app.inject({ method: 'POST', url: '/v1/accounts/verify-email', payload: { token: decodeURIComponent(token) } });
  if (verified.statusCode !== 204) throw new Error(`verify-email: ${verified.statusCode} ${verified.body}`);
  admin.token = await signIn(app, bootstrapEmail);
  const granted = await app.inject({
    method: 'PUT',
    url: `/v1/admin/accounts/${admin.accountId}/roles`,
    token: admin.token,
    payload: { roles },
  });
  if (granted.statusCode !== 200) throw new Error(`grant ${roles.join(', ')}: ${granted.statusCode} ${granted.body}`);
  return admin;
}

/** A support agent, made as every staff member is (`staffMember`). */
export const supportAgent = (app: TestApp, bootstrapEmail: string): Promise<Holder> => staffMember(app, bootstrapEmail, ['support']);

export type IssuedKeyBody = Schema<'IssuedApiKeyDto'>;

export async function createKey(
  app: TestApp,
  holder: Holder,
  body: Partial<Schema<'CreateApiKeyDto'>> & Record<string, unknown> = {},
): Promise<IssuedKeyBody> {
  const { data, error, response } = await app.client.POST('/v1/api-keys', {
    headers: { authorization: `Bearer ${holder.token}` },
    body: { name: 'production-chatbot-server-1', scopes: ['chat'], ...body },
  });
  if (!data) throw new Error(`create key: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

export function verify(app: TestApp, key: unknown, endpoint: unknown = 'chat.completions', token = TEST_SERVICE_TOKEN) {
  return app.inject({ method: 'POST', url: '/v1/keys/verify', token, payload: { key, endpoint } });
}
