import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { SQL_DATABASE } from '@app/core';
import { migrate, SqlDatabase } from '@app/database';
import { IdentityModule, SignInLockReset } from '@app/identity';
import { PasswordHasher } from '@app/security';
import { AccountSessionEnds } from './account-ends/account-session-ends';
import { EndSessionsController, SignOutController } from './end-sessions/end-sessions.controller';
import { EndSessionsHandler } from './end-sessions/end-sessions.handler';
import { ListSessionsController } from './list-sessions/list-sessions.controller';
import { SessionListing } from './list-sessions/session-listing';
import { ExchangeOidcCodeController } from './oidc-exchange/exchange-oidc-code.controller';
import { ExchangeOidcCodeHandler } from './oidc-exchange/exchange-oidc-code.handler';
import { CompleteOidcSignInHandler } from './oidc-sign-in/complete-oidc-sign-in.handler';
import { OidcSignInCodes } from './oidc-sign-in/oidc-sign-in-codes';
import { OidcSignInCompletion } from './oidc-sign-in/oidc-sign-in-completion';
import { OidcSignInController } from './oidc-sign-in/oidc-sign-in.controller';
import { SessionEndSweep } from './record-session-ends/session-end-sweep';
import { RefreshSessionController } from './refresh-session/refresh-session.controller';
import { RefreshSessionHandler } from './refresh-session/refresh-session.handler';
import { SecondFactorPort } from './second-factor/second-factor.port';
import { AccountSessionAuthority } from './sessions/account-session-authority';
import { SessionEnder } from './sessions/session-ender';
import { SessionStarter } from './sessions/session-starter';
import { SessionStates } from './sessions/session-states';
import { SessionTokens } from './sessions/session-tokens';
import { sessionMigrations } from './sessions/sessions.migrations';
import { GuardSignInLockReset } from './sign-in/guard-lock-reset';
import { SignInController } from './sign-in/sign-in.controller';
import { SignInHandler } from './sign-in/sign-in.handler';

/**
 * Sign-in (password and social), sessions and their tokens. Exports the `SessionStarter` (for the
 * second step of MFA) and `AccountSessionAuthority`, the `SessionAuthority` of `@app/auth`.
 */
@Module({
  imports: [IdentityModule],
  controllers: [
    SignInController,
    OidcSignInController,
    ExchangeOidcCodeController,
    RefreshSessionController,
    SignOutController,
    ListSessionsController,
    EndSessionsController,
  ],
  providers: [
    SignInHandler,
    CompleteOidcSignInHandler,
    ExchangeOidcCodeHandler,
    OidcSignInCodes,
    OidcSignInCompletion,
    RefreshSessionHandler,
    EndSessionsHandler,
    SessionStates,
    SessionTokens,
    SessionStarter,
    SessionEnder,
    SessionListing,
    SessionEndSweep,
    AccountSessionEnds,
    SecondFactorPort,
    AccountSessionAuthority,
    { provide: SignInLockReset, useClass: GuardSignInLockReset },
  ],
  exports: [SessionStarter, AccountSessionAuthority],
})
export class SessionsModule implements OnModuleInit {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    private readonly hasher: PasswordHasher,
  ) {}

  async onModuleInit(): Promise<void> {
    await migrate(this.db, sessionMigrations);
    // The dummy hash is made on first use: make it now, or the first unknown-email sign-in takes twice as long.
    await this.hasher.verifyAgainstDummy('warm-up');
  }
}
