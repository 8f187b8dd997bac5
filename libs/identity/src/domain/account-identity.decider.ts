import { assertNever, Decider } from '@app/ddd';
import { AccountState, evolveAccount, ExistingAccount, hasPassword, initialAccountState } from './account.decider';
import { AccountExistsError, AccountResourceNotFoundError, AccountSuspendedError } from './account.errors';
import { AccountEvent, AccountEventType } from './account.events';
import {
  AccountExistsUnlinkedError,
  EmailNotVerifiedError,
  IdentityNotLinkedError,
  IdentityProviderAlreadyLinkedError,
  LastSignInMethodError,
  OidcEmailMissingError,
} from './identity.errors';

/**
 * Who an OpenID Connect provider says the person is, after the code exchange and the ID token checks.
 * `email` is normalised (null when the provider shared none); `emailVerified` is true only when the
 * provider said `email_verified: true`.
 */
export interface ProviderIdentity {
  /** The configured provider name (`google`). */
  readonly provider: string;
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
}

/** First social sign-in with no account for the email: an account without a password. */
export interface CreateAccountFromIdentity {
  readonly kind: 'CreateAccountFromIdentity';
  readonly accountId: string;
  readonly identity: ProviderIdentity;
}

export interface LinkIdentity {
  readonly kind: 'LinkIdentity';
  readonly identity: ProviderIdentity;
  readonly via: 'verified_email_match' | 'linked_by_owner';
}

export interface UnlinkIdentity {
  readonly kind: 'UnlinkIdentity';
  /** The configured name the identity was linked under. */
  readonly provider: string;
}

export type AccountIdentityCommand = CreateAccountFromIdentity | LinkIdentity | UnlinkIdentity;

export function isLinked(account: ExistingAccount, identity: Pick<ProviderIdentity, 'issuer' | 'subject'>): boolean {
  return account.identities.some((linked) => linked.issuer === identity.issuer && linked.subject === identity.subject);
}

/**
 * The rules for linking an identity to an existing account (suspension aside):
 * - one identity per provider (issuer) per account;
 * - silently, on sign-in (`verified_email_match`), only when the provider verified the email, the
 *   account verified it too, and they are the same address: otherwise whoever registered the address
 *   first (without owning it) could wait for the owner's social sign-in to take the account over;
 * - from settings (`linked_by_owner`: the owner is signed in), once the account's email is verified
 *   (design.md section 3); the provider's email may then be any address.
 */
export function assertLinkable(account: ExistingAccount, identity: ProviderIdentity, via: LinkIdentity['via']): void {
  if (isLinked(account, identity)) return;
  switch (via) {
    case 'verified_email_match':
      if (!identity.emailVerified || !account.emailVerified || identity.email !== account.email) {
        throw new AccountExistsUnlinkedError(identity.provider);
      }
      break;
    case 'linked_by_owner':
      assertCanLinkFromSettings(account);
      break;
    default:
      assertNever(via);
  }
  if (account.identities.some((linked) => linked.issuer === identity.issuer)) {
    throw new IdentityProviderAlreadyLinkedError(identity.provider);
  }
}

/** Linking from settings needs a verified account email (design.md section 3), checked before the round trip too. */
export function assertCanLinkFromSettings(account: ExistingAccount): void {
  if (!account.emailVerified) throw new EmailNotVerifiedError();
}

export type SocialSignInPlan =
  | { readonly kind: 'sign_in'; readonly account: ExistingAccount }
  | { readonly kind: 'link'; readonly account: ExistingAccount }
  | { readonly kind: 'create'; readonly email: string };

/**
 * What a social sign-in leads to, before anything is written. `owner` is the account the identity's
 * reservation points to (when it is linked there); `accountWithEmail` the account holding the
 * identity's email, if any. Suspension, lockout and MFA are decided afterwards, as for passwords.
 */
export function planSocialSignIn(
  identity: ProviderIdentity,
  owner: ExistingAccount | null,
  accountWithEmail: ExistingAccount | null,
): SocialSignInPlan {
  if (owner && isLinked(owner, identity)) return { kind: 'sign_in', account: owner };
  if (identity.email === null) throw new OidcEmailMissingError(identity.provider);
  if (!accountWithEmail) return { kind: 'create', email: identity.email };
  assertLinkable(accountWithEmail, identity, 'verified_email_match');
  return { kind: 'link', account: accountWithEmail };
}

function linked(identity: ProviderIdentity, via: 'signed_up' | LinkIdentity['via']): AccountEvent {
  const { provider, issuer, subject, email, emailVerified } = identity;
  return { type: AccountEventType.IdentityLinked, data: { provider, issuer, subject, email, emailVerified, via } };
}

export function decideAccountIdentity(command: AccountIdentityCommand, state: AccountState): AccountEvent[] {
  switch (command.kind) {
    case 'CreateAccountFromIdentity': {
      if (state.exists) throw new AccountExistsError();
      const { identity, accountId } = command;
      if (identity.email === null) throw new OidcEmailMissingError(identity.provider);
      return [
        { type: AccountEventType.Registered, data: { accountId, email: identity.email, passwordHashSealed: null } },
        ...(identity.emailVerified ? [{ type: AccountEventType.EmailVerified, data: { email: identity.email } } as const] : []),
        linked(identity, 'signed_up'),
      ];
    }
    case 'LinkIdentity': {
      if (!state.exists) throw new AccountResourceNotFoundError('account');
      assertLinkable(state, command.identity, command.via);
      if (isLinked(state, command.identity)) return [];
      if (state.status === 'suspended') throw new AccountSuspendedError();
      return [linked(command.identity, command.via)];
    }
    case 'UnlinkIdentity': {
      if (!state.exists) throw new AccountResourceNotFoundError('account');
      const identity = state.identities.find((linkedIdentity) => linkedIdentity.provider === command.provider);
      if (!identity) throw new IdentityNotLinkedError(command.provider);
      const waysLeft = state.identities.length - 1 + (hasPassword(state) ? 1 : 0);
      if (waysLeft === 0) throw new LastSignInMethodError(command.provider);
      return [
        {
          type: AccountEventType.IdentityUnlinked,
          data: { provider: identity.provider, issuer: identity.issuer, subject: identity.subject },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

/** The account stream's decider for identity commands: same state and `evolve` as `accountDecider`. */
export const accountIdentityDecider: Decider<AccountIdentityCommand, AccountState, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccountIdentity,
  remembered: true,
};
