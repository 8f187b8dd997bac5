import { accountDecider, AccountEventType } from '@app/accounts';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(accountDecider);
const now = new Date('2026-01-05T09:00:00Z');
const register = { kind: 'RegisterAccount', accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.sealed', now } as const;
const registered = { type: AccountEventType.Registered, data: { accountId: 'a-1', email: 'ada@example.com', passwordHashSealed: 'v1.sealed' } };

describe('account decider: registration', () => {
  it('registers a new account', () => {
    spec.given([]).when(register).then([registered]);
  });

  it('refuses to register the same account twice', () => {
    spec.given([registered]).when(register).thenThrows('account_exists');
  });

  it('remembers when the account was created', () => {
    const state = spec.given([{ ...registered, occurredAt: '2026-02-01T10:00:00.000Z' }]).state;
    expect(state).toMatchObject({ exists: true, createdAt: '2026-02-01T10:00:00.000Z' });
  });
});
