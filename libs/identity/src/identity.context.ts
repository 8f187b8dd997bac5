import { defineContext } from '@app/core';
import { accountProfileProjection } from '../../../projections/account-profile/account-profile.projection';
import { AccountErrorCode } from './domain/account.errors';
import { AccountEventTypeName } from './domain/account.events';
import { IdentityErrorCode } from './domain/identity.errors';
import { UnknownEmailPasswordResetEventTypeName } from './domain/unknown-email-password-reset.decider';
import { ERASE_DUE_ACCOUNTS_JOB, ErasureSchedule, erasureSchedule } from './erase-account/erasure-schedule';
import { IdentityModule } from './identity.module';
import { IDENTITY_QUEUE } from './identity.queue';
import { OidcErrorCode } from './oidc/oidc.errors';
import {
  PasswordResetEmails,
  passwordResetEmailReaction,
  SEND_PASSWORD_RESET_EMAIL_JOB,
} from './request-password-reset/password-reset-email';
import { SEND_VERIFICATION_EMAIL_JOB, VerificationEmails, verificationEmailReaction } from './verify-email/verification-email';

/** The identity context as every process registers it (see `ContextDeclaration` in `@app/core`). */
export const identityContext = defineContext<
  AccountEventTypeName | UnknownEmailPasswordResetEventTypeName,
  AccountErrorCode | IdentityErrorCode | OidcErrorCode
>({
  name: 'identity',
  module: IdentityModule,
  errors: {
    email_taken: 409,
    account_exists: 409,
    weak_password: 400,
    account_suspended: 403,
    invalid_token: 400,
    invalid_current_password: 400,
    reauthentication_required: 401,
    account_exists_unlinked: 409,
    identity_provider_already_linked: 409,
    identity_in_use: 409,
    email_not_verified: 409,
    last_sign_in_method: 409,
    oidc_email_missing: 400,
    invalid_oidc_state: 400,
    invalid_oidc_response: 401,
    oidc_provider_unavailable: 502,
  },
  events: {
    'account.registered': { version: 1, personal: ['email'] },
    'account.email_verified': { version: 1, personal: ['email'] },
    'account.password_changed': { version: 1 },
    'account.staff_roles_changed': { version: 1 },
    'account.suspended': { version: 1, personal: ['reason'] },
    'account.reinstated': { version: 1 },
    'account.identity_linked': { version: 1, personal: ['subject', 'email'] },
    'account.identity_unlinked': { version: 1, personal: ['subject'] },
    'account.password_reset_requested': { version: 1 },
    'account.password_reset_completed': { version: 1 },
    'account.erased': { version: 1 },
    'account.closed': { version: 1 },
    'account.reopened': { version: 1 },
    'password_reset.unknown_email_requested': { version: 1 },
  },
  projections: [accountProfileProjection],
  reactions: [verificationEmailReaction, passwordResetEmailReaction],
  jobWorkers: [
    {
      queue: IDENTITY_QUEUE,
      jobs: {
        [SEND_VERIFICATION_EMAIL_JOB]: VerificationEmails,
        [SEND_PASSWORD_RESET_EMAIL_JOB]: PasswordResetEmails,
        [ERASE_DUE_ACCOUNTS_JOB]: ErasureSchedule,
      },
      schedules: [erasureSchedule],
    },
  ],
});
