import { TestApp } from '@app/test-app';
import { accountsClient } from '../auth/accounts-client';

export const ADMIN_EMAIL = 'billing-admin@example.com';

/** An app with a verified admin and one billing staff member, plus a way to make account holders. */
export async function billingActors(app: TestApp) {
  const client = accountsClient(app);
  await client.register(ADMIN_EMAIL);
  await client.verifyEmail(ADMIN_EMAIL);
  const admin = (await client.signIn(ADMIN_EMAIL)).accessToken;
  const staffId = await client.register('billing-staff@example.com');
  const granted = await app.inject({
    method: 'PUT',
    url: `/v1/admin/accounts/${staffId}/roles`,
    payload: { roles: ['billing'] },
    token: admin,
  });
  if (granted.statusCode !== 200) throw new Error(`role grant failed: ${granted.body}`);
  const staff = (await client.signIn('billing-staff@example.com')).accessToken;
  return {
    client,
    admin,
    staff,
    staffId,
    /** A fresh sign-in of the staff member: tests move the manual clock past token and session lifetimes. */
    async staffToken(): Promise<string> {
      return (await client.signIn('billing-staff@example.com')).accessToken;
    },
    async holder(email: string): Promise<{ accountId: string; token: string }> {
      const accountId = await client.register(email);
      return { accountId, token: (await client.signIn(email)).accessToken };
    },
  };
}

export const card = (overrides: Record<string, unknown> = {}) => ({
  type: 'card',
  brand: 'visa',
  last4: '4242',
  expMonth: 12,
  expYear: 2030,
  token: 'tok_1NirD82eZvKYlo2CIvbtLWuY',
  ...overrides,
});

export const ach = (overrides: Record<string, unknown> = {}) => ({
  type: 'ach',
  accountLast4: '6789',
  routingNumber: '110000000',
  token: 'btok_1NirD82eZvKYlo2C',
  ...overrides,
});
