import { TestApp } from '@app/test-app';
import { Holder, signIn, signUp } from '../api-keys/api-keys.helpers';

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
