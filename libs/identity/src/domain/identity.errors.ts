import { DomainError } from '@app/ddd';

export type IdentityErrorCode =
  | 'account_exists_unlinked'
  | 'identity_provider_already_linked'
  | 'identity_in_use'
  | 'email_not_verified'
  | 'last_sign_in_method'
  | 'oidc_email_missing';

/** The HTTP status of each identity error code; `Record` makes a forgotten code a compile error. */
export const identityErrorStatuses: Record<IdentityErrorCode, number> = {
  account_exists_unlinked: 409,
  identity_provider_already_linked: 409,
  identity_in_use: 409,
  email_not_verified: 409,
  last_sign_in_method: 409,
  oidc_email_missing: 400,
};

/**
 * The provider's identity matches an account by email, but linking it silently is not safe (the
 * account's email or the provider's is not verified): someone may have registered the address first
 * to take over the account later (pre-hijacking). The owner links it after signing in.
 */
export class AccountExistsUnlinkedError extends DomainError<'account_exists_unlinked'> {
  constructor(provider: string) {
    super(
      'account_exists_unlinked',
      `An account with this email already exists. Sign in with your password, then link ${provider} from your account settings.`,
    );
  }
}

export class IdentityProviderAlreadyLinkedError extends DomainError<'identity_provider_already_linked'> {
  constructor(provider: string) {
    super('identity_provider_already_linked', `Another ${provider} identity is already linked to this account; unlink it first.`);
  }
}

export class IdentityInUseError extends DomainError<'identity_in_use'> {
  constructor(provider: string) {
    super('identity_in_use', `This ${provider} identity is already linked to another account.`);
  }
}

export class EmailNotVerifiedError extends DomainError<'email_not_verified'> {
  constructor() {
    super('email_not_verified', 'Verify your email address before linking a sign-in provider.');
  }
}

export class LastSignInMethodError extends DomainError<'last_sign_in_method'> {
  constructor(provider: string) {
    super('last_sign_in_method', `${provider} is the only way to sign in to this account; link another provider first.`);
  }
}

export class OidcEmailMissingError extends DomainError<'oidc_email_missing'> {
  constructor(provider: string) {
    super('oidc_email_missing', `${provider} did not share an email address; allow access to it and try again.`);
  }
}

export class IdentityNotLinkedError extends DomainError<'not_found'> {
  constructor(provider: string) {
    super('not_found', `No ${provider} identity is linked to this account`);
  }
}
