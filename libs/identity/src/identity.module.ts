import { Module } from '@nestjs/common';
import { AccountStates } from './account-states';
import { ChangePasswordController } from './change-password/change-password.controller';
import { ChangePasswordHandler } from './change-password/change-password.handler';
import { ConfirmPasswordResetController } from './confirm-password-reset/confirm-password-reset.controller';
import { ConfirmPasswordResetHandler } from './confirm-password-reset/confirm-password-reset.handler';
import { GetProfileController, ProfileReader } from './get-profile/get-profile.controller';
import { LinkIdentityController } from './link-identity/link-identity.controller';
import { BeginIdentityLinkHandler, CompleteIdentityLinkHandler } from './link-identity/link-identity.handlers';
import { ListIdentitiesController } from './list-identities/list-identities.controller';
import { OidcFlowCookies } from './oidc/oidc-flow-cookie';
import { OidcProviders } from './oidc/oidc-providers';
import { OidcRoundTrips } from './oidc/oidc-round-trips';
import { ProviderIdentities } from './oidc/provider-identities';
import { PasswordRules } from './password-policy/password-policy.service';
import { IdentityPorts } from './ports/optional-ports';
import { RegisterAccountController } from './register-account/register-account.controller';
import { RegisterAccountHandler } from './register-account/register-account.handler';
import { PasswordResetEmails } from './request-password-reset/password-reset-email';
import { PasswordResetLinks } from './request-password-reset/password-reset-links';
import { RequestPasswordResetController } from './request-password-reset/request-password-reset.controller';
import { RequestPasswordResetHandler } from './request-password-reset/request-password-reset.handler';
import { SetStaffRolesController } from './set-staff-roles/set-staff-roles.controller';
import { SetStaffRolesHandler } from './set-staff-roles/set-staff-roles.handler';
import { CloseAccountController } from './close-account/close-account.controller';
import { CloseAccountHandler, ReopenAccountHandler } from './close-account/close-account.handler';
import { EraseAccountController } from './erase-account/erase-account.controller';
import { EraseAccountHandler } from './erase-account/erase-account.handler';
import { ErasureSchedule } from './erase-account/erasure-schedule';
import { SuspendAccountController } from './suspend-account/suspend-account.controller';
import { ReinstateAccountHandler, SuspendAccountHandler } from './suspend-account/suspend-account.handler';
import { UnlinkIdentityController } from './unlink-identity/unlink-identity.controller';
import { UnlinkIdentityHandler } from './unlink-identity/unlink-identity.handler';
import { VerificationEmails } from './verify-email/verification-email';
import { VerificationLinks } from './verify-email/verification-links';
import { VerifyEmailController } from './verify-email/verify-email.controller';
import { VerifyEmailHandler } from './verify-email/verify-email.handler';

/**
 * Accounts and their credentials: registration, email verification, passwords and their reset, linked
 * provider identities, staff roles, suspension, the profile. Exports `AccountStates` (the consistent
 * account state other contexts read) and the OpenID Connect pieces social sign-in uses.
 */
@Module({
  controllers: [
    RegisterAccountController,
    VerifyEmailController,
    GetProfileController,
    ChangePasswordController,
    SetStaffRolesController,
    SuspendAccountController,
    EraseAccountController,
    CloseAccountController,
    RequestPasswordResetController,
    ConfirmPasswordResetController,
    ListIdentitiesController,
    LinkIdentityController,
    UnlinkIdentityController,
  ],
  providers: [
    RegisterAccountHandler,
    VerifyEmailHandler,
    ChangePasswordHandler,
    SetStaffRolesHandler,
    SuspendAccountHandler,
    EraseAccountHandler,
    ErasureSchedule,
    CloseAccountHandler,
    ReopenAccountHandler,
    ReinstateAccountHandler,
    RequestPasswordResetHandler,
    ConfirmPasswordResetHandler,
    BeginIdentityLinkHandler,
    CompleteIdentityLinkHandler,
    UnlinkIdentityHandler,
    PasswordRules,
    AccountStates,
    ProfileReader,
    IdentityPorts,
    VerificationLinks,
    VerificationEmails,
    PasswordResetLinks,
    PasswordResetEmails,
    OidcProviders,
    OidcFlowCookies,
    OidcRoundTrips,
    ProviderIdentities,
  ],
  exports: [AccountStates, OidcProviders, OidcFlowCookies, OidcRoundTrips, ProviderIdentities],
})
export class IdentityModule {
  constructor(rules: PasswordRules) {
    // Word lists decompressed and indexed now, not on the first registration.
    void rules.policy;
  }
}
