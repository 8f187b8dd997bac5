import { accountIdentityDecider, AccountEventType, ExistingAccount, hasPassword, planSocialSignIn, ProviderIdentity } from '@app/identity';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(accountIdentityDecider);
const GOOGLE = 'https://accounts.google.com';

const google = (overrides: Partial<ProviderIdentity> = {}): ProviderIdentity => ({
  provider: 'google',
  issuer: GOOGLE,
  subject: 'g-123',
  email: 'ada@example.com',
  emailVerified: true,
  ...overrides,
});
const registered = (passwordHashSealed: string | null = 'v1.sealed') => ({
  type: AccountEventType.Registered,
  data: { accountId: 'a-1', email: 'ada@example.com', passwordHashSealed },
});
const verified = { type: AccountEventType.EmailVerified, data: { email: 'ada@example.com' } };
const suspended = { type: AccountEventType.Suspended, data: { reason: 'chargeback fraud' } };
const linked = (identity: ProviderIdentity, via: 'signed_up' | 'verified_email_match' | 'linked_by_owner') => ({
  type: AccountEventType.IdentityLinked,
  data: { ...identity, via },
});
const unlinked = (identity: ProviderIdentity) => ({
  type: AccountEventType.IdentityUnlinked,
  data: { provider: identity.provider, issuer: identity.issuer, subject: identity.subject },
});
const account = (events: Parameters<typeof spec.given>[0]) => spec.given(events).state as ExistingAccount;

describe('identity decider: an account created by the first social sign-in', () => {
  const create = (identity: ProviderIdentity) => ({ kind: 'CreateAccountFromIdentity', accountId: 'a-1', identity }) as const;

  it('has no password, a verified email when the provider verified it, and the identity linked', () => {
    spec
      .given([])
      .when(create(google()))
      .then([registered(null), verified, linked(google(), 'signed_up')]);
  });

  it('leaves the email unverified when the provider did not verify it', () => {
    spec
      .given([])
      .when(create(google({ emailVerified: false })))
      .then([registered(null), linked(google({ emailVerified: false }), 'signed_up')]);
  });

  it('needs an email from the provider', () => {
    spec
      .given([])
      .when(create(google({ email: null })))
      .thenThrows('oidc_email_missing');
  });

  it('is refused for an account that exists', () => {
    spec.given([registered()]).when(create(google())).thenThrows('account_exists');
  });

  it('folds into an account without a password that lists the identity', () => {
    const state = account([registered(null), verified, { ...linked(google(), 'signed_up'), occurredAt: '2026-03-01T10:00:00.000Z' }]);
    expect(hasPassword(state)).toBe(false);
    expect(state.identities).toEqual([
      { provider: 'google', issuer: GOOGLE, subject: 'g-123', email: 'ada@example.com', linkedAt: '2026-03-01T10:00:00.000Z' },
    ]);
  });
});

describe('identity decider: linking on sign-in by verified email (no silent pre-hijacking)', () => {
  const link = (identity: ProviderIdentity) => ({ kind: 'LinkIdentity', identity, via: 'verified_email_match' }) as const;

  it('links when the provider and the account both verified the same email', () => {
    spec
      .given([registered(), verified])
      .when(link(google()))
      .then([linked(google(), 'verified_email_match')]);
  });

  it('refuses when the account never verified its email (someone may have registered it first)', () => {
    spec.given([registered()]).when(link(google())).thenThrows('account_exists_unlinked');
  });

  it('refuses when the provider did not verify the email', () => {
    spec
      .given([registered(), verified])
      .when(link(google({ emailVerified: false })))
      .thenThrows('account_exists_unlinked');
  });

  it('refuses when the emails differ', () => {
    spec
      .given([registered(), verified])
      .when(link(google({ email: 'other@example.com' })))
      .thenThrows('account_exists_unlinked');
  });

  it('refuses a second identity of the same provider', () => {
    const first = google({ subject: 'g-old' });
    spec
      .given([registered(), verified, linked(first, 'linked_by_owner')])
      .when(link(google()))
      .thenThrows('identity_provider_already_linked');
  });

  it('links identities of different providers', () => {
    const other = google({ provider: 'acme', issuer: 'https://id.acme.test', subject: 'x-1' });
    spec
      .given([registered(), verified, linked(google(), 'signed_up')])
      .when(link(other))
      .then([linked(other, 'verified_email_match')]);
  });

  it('changes nothing when the identity is already linked', () => {
    spec
      .given([registered(), verified, linked(google(), 'verified_email_match')])
      .when(link(google()))
      .then([]);
  });

  it('writes nothing for a suspended account', () => {
    spec.given([registered(), verified, suspended]).when(link(google())).thenThrows('account_suspended');
  });
});

describe('identity decider: linking from settings by the signed-in owner', () => {
  const link = (identity: ProviderIdentity) => ({ kind: 'LinkIdentity', identity, via: 'linked_by_owner' }) as const;

  it('links an identity with another email once the account email is verified', () => {
    const work = google({ email: 'ada@work.example', emailVerified: false });
    spec
      .given([registered(), verified])
      .when(link(work))
      .then([linked(work, 'linked_by_owner')]);
  });

  it('waits for the account email to be verified', () => {
    spec.given([registered()]).when(link(google())).thenThrows('email_not_verified');
  });
});

describe('identity decider: unlinking', () => {
  const unlink = { kind: 'UnlinkIdentity', provider: 'google' } as const;

  it('unlinks from an account that has a password', () => {
    spec
      .given([registered(), verified, linked(google(), 'verified_email_match')])
      .when(unlink)
      .then([unlinked(google())]);
  });

  it('refuses to unlink the only way to sign in of an account without a password', () => {
    spec
      .given([registered(null), verified, linked(google(), 'signed_up')])
      .when(unlink)
      .thenThrows('last_sign_in_method');
  });

  it('unlinks one of two providers of an account without a password', () => {
    const other = google({ provider: 'acme', issuer: 'https://id.acme.test', subject: 'x-1' });
    spec
      .given([registered(null), linked(google(), 'signed_up'), linked(other, 'linked_by_owner')])
      .when(unlink)
      .then([unlinked(google())]);
  });

  it('answers not_found for a provider that is not linked', () => {
    spec.given([registered()]).when(unlink).thenThrows('not_found');
  });

  it('forgets the identity: it can be linked again afterwards', () => {
    const state = account([registered(), verified, linked(google(), 'verified_email_match'), unlinked(google())]);
    expect(state.identities).toEqual([]);
    spec
      .given([registered(), verified, linked(google(), 'verified_email_match'), unlinked(google())])
      .when({ kind: 'LinkIdentity', identity: google(), via: 'verified_email_match' })
      .then([linked(google(), 'verified_email_match')]);
  });
});

describe('planning a social sign-in', () => {
  it('signs in to the account the identity is linked to, whatever its email now', () => {
    const owner = account([registered(null), linked(google({ email: 'old@example.com' }), 'signed_up')]);
    expect(planSocialSignIn(google(), owner, null)).toEqual({ kind: 'sign_in', account: owner });
  });

  it('creates an account when no account holds the email', () => {
    expect(planSocialSignIn(google(), null, null)).toEqual({ kind: 'create', email: 'ada@example.com' });
  });

  it('links to the account holding the email when both sides verified it', () => {
    const holder = account([registered(), verified]);
    expect(planSocialSignIn(google(), null, holder)).toEqual({ kind: 'link', account: holder });
  });

  it('refuses before writing anything when the holder of the email is not verified', () => {
    const holder = account([registered()]);
    expect(() => planSocialSignIn(google(), null, holder)).toThrow(expect.objectContaining({ code: 'account_exists_unlinked' }));
  });

  it('does not trust a reservation whose owner no longer lists the identity (unlinked since)', () => {
    const former = account([registered(), verified, linked(google(), 'verified_email_match'), unlinked(google())]);
    expect(planSocialSignIn(google(), former, former)).toEqual({ kind: 'link', account: former });
  });

  it('needs an email to create or link', () => {
    expect(() => planSocialSignIn(google({ email: null }), null, null)).toThrow(expect.objectContaining({ code: 'oidc_email_missing' }));
  });
});
