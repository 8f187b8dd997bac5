import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { SessionAuthority } from '@app/auth';
import { SQL_DATABASE } from '@app/core';
import { migrate, SqlDatabase } from '@app/database';
import { EventCatalog } from '@app/ddd';
import { registerErrorStatuses } from '@app/http';
import { routeByJobName } from '@app/messaging';
import { ReadSideRegistry } from '@app/projections';
import { PasswordHasher } from '@app/security';
import { accountProfileProjection } from '../../../projections/account-profile/account-profile.projection';
import { accountSessionsProjection } from '../../../projections/account-sessions/account-sessions.projection';
import { ChangePasswordController } from './change-password/change-password.controller';
import { ChangePasswordHandler } from './change-password/change-password.handler';
import { ConfirmPasswordResetController } from './confirm-password-reset/confirm-password-reset.controller';
import { ConfirmPasswordResetHandler } from './confirm-password-reset/confirm-password-reset.handler';
import { accountErrorStatuses } from './domain/account.errors';
import { accountEventVersions } from './domain/account.events';
import { signInGuardEventVersions } from './domain/sign-in-guard.decider';
import { unknownEmailPasswordResetEventVersions } from './domain/unknown-email-password-reset.decider';
import { EndSessionsController, SignOutController } from './end-sessions/end-sessions.controller';
import { EndSessionsHandler } from './end-sessions/end-sessions.handler';
import { GetProfileController, ProfileReader } from './get-profile/get-profile.controller';
import { ListSessionsController } from './list-sessions/list-sessions.controller';
import { SessionListing } from './list-sessions/session-listing';
import { PasswordRules } from './password-policy/password-policy.service';
import { RECORD_SESSION_ENDS_JOB, SessionEndSweep, sessionEndSchedule } from './record-session-ends/session-end-sweep';
import { RefreshSessionController } from './refresh-session/refresh-session.controller';
import { RefreshSessionHandler } from './refresh-session/refresh-session.handler';
import { RegisterAccountController } from './register-account/register-account.controller';
import { RegisterAccountHandler } from './register-account/register-account.handler';
import {
  PasswordResetEmails,
  passwordResetEmailReaction,
  SEND_PASSWORD_RESET_EMAIL_JOB,
} from './request-password-reset/password-reset-email';
import { PasswordResetLinks } from './request-password-reset/password-reset-links';
import { RequestPasswordResetController } from './request-password-reset/request-password-reset.controller';
import { RequestPasswordResetHandler } from './request-password-reset/request-password-reset.handler';
import { AccountSessionAuthority } from './sessions/account-session-authority';
import { AccountStates } from './sessions/account-states';
import { SessionEnder } from './sessions/session-ender';
import { SessionStarter } from './sessions/session-starter';
import { SessionTokens } from './sessions/session-tokens';
import { sessionMigrations } from './sessions/sessions.migrations';
import { SetStaffRolesController } from './set-staff-roles/set-staff-roles.controller';
import { SetStaffRolesHandler } from './set-staff-roles/set-staff-roles.handler';
import {
  ACCOUNTS_QUEUE,
  MIRROR_SIGN_IN_GUARD_JOB,
  mirrorSignInGuardReaction,
  SignInGuardMirror,
} from './sign-in-guard-mirror/mirror-sign-in-guard';
import { MfaChallenges } from './sign-in/mfa-challenge';
import { SignInController } from './sign-in/sign-in.controller';
import { SignInHandler } from './sign-in/sign-in.handler';
import { ReinstateAccountHandler, SuspendAccountHandler } from './suspend-account/suspend-account.handler';
import { SuspendAccountController } from './suspend-account/suspend-account.controller';
import { SEND_VERIFICATION_EMAIL_JOB, VerificationEmails, verificationEmailReaction } from './verify-email/verification-email';
import { VerificationLinks } from './verify-email/verification-links';
import { VerifyEmailController } from './verify-email/verify-email.controller';
import { VerifyEmailHandler } from './verify-email/verify-email.handler';

registerErrorStatuses(accountErrorStatuses);

/**
 * Accounts, sign-in and sessions. Global because it provides the `SessionAuthority` that the access
 * token guard of `@app/auth` (used by every context) asks on each request.
 */
@Global()
@Module({
  controllers: [
    RegisterAccountController,
    VerifyEmailController,
    SignInController,
    RefreshSessionController,
    SignOutController,
    ListSessionsController,
    EndSessionsController,
    GetProfileController,
    ChangePasswordController,
    SetStaffRolesController,
    SuspendAccountController,
    RequestPasswordResetController,
    ConfirmPasswordResetController,
  ],
  providers: [
    RegisterAccountHandler,
    VerifyEmailHandler,
    SignInHandler,
    RefreshSessionHandler,
    EndSessionsHandler,
    ChangePasswordHandler,
    SetStaffRolesHandler,
    SuspendAccountHandler,
    ReinstateAccountHandler,
    RequestPasswordResetHandler,
    ConfirmPasswordResetHandler,
    PasswordRules,
    AccountStates,
    SessionTokens,
    SessionStarter,
    SessionEnder,
    SessionListing,
    ProfileReader,
    MfaChallenges,
    VerificationLinks,
    VerificationEmails,
    SignInGuardMirror,
    PasswordResetLinks,
    PasswordResetEmails,
    SessionEndSweep,
    AccountSessionAuthority,
    { provide: SessionAuthority, useExisting: AccountSessionAuthority },
  ],
  exports: [SessionAuthority, AccountStates, SessionStarter, MfaChallenges],
})
export class AccountsModule implements OnModuleInit {
  constructor(
    catalog: EventCatalog,
    readSide: ReadSideRegistry,
    mirror: SignInGuardMirror,
    verificationEmails: VerificationEmails,
    passwordResetEmails: PasswordResetEmails,
    sessionEndSweep: SessionEndSweep,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    private readonly hasher: PasswordHasher,
    rules: PasswordRules,
  ) {
    // Word lists decompressed and indexed now, not on the first registration.
    void rules.policy;
    catalog.register(accountEventVersions).register(signInGuardEventVersions).register(unknownEmailPasswordResetEventVersions);
    readSide.addProjection(accountProfileProjection);
    readSide.addProjection(accountSessionsProjection);
    readSide.addReaction(verificationEmailReaction);
    readSide.addReaction(mirrorSignInGuardReaction);
    readSide.addReaction(passwordResetEmailReaction);
    readSide.addJobWorker({
      queue: ACCOUNTS_QUEUE,
      handler: routeByJobName({
        [SEND_VERIFICATION_EMAIL_JOB]: verificationEmails.handler(),
        [MIRROR_SIGN_IN_GUARD_JOB]: mirror.handler(),
        [SEND_PASSWORD_RESET_EMAIL_JOB]: passwordResetEmails.handler(),
        [RECORD_SESSION_ENDS_JOB]: sessionEndSweep.handler(),
      }),
      schedules: [sessionEndSchedule],
    });
  }

  async onModuleInit(): Promise<void> {
    await migrate(this.db, sessionMigrations);
    // The dummy hash is made on first use: make it now, or the first unknown-email sign-in takes twice as long.
    await this.hasher.verifyAgainstDummy('warm-up');
  }
}
