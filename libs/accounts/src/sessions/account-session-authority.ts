import { Inject, Injectable } from '@nestjs/common';
import { AccessTokenClaims, AuthenticatedAccount, SessionAuthority } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { AccountSession, effectiveRoles, ExistingAccount } from '../domain/account.decider';
import { AccountStates } from './account-states';
import { ACTIVITY_RESOLUTION_SECONDS, SessionTokens } from './session-tokens';

export interface LiveSession {
  readonly account: ExistingAccount;
  readonly session: AccountSession;
  readonly lastActiveAt: Date;
}

/**
 * Decides on every request whether a session is live, from consistent sources only: the account's
 * stream (started, not ended, not past its absolute end, account not suspended) and the session table
 * (used within SESSION_IDLE_SECONDS). Both are written before sign-in answers, so no projection lag.
 */
@Injectable()
export class AccountSessionAuthority extends SessionAuthority {
  constructor(
    private readonly accounts: AccountStates,
    private readonly tokens: SessionTokens,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async authenticate(claims: AccessTokenClaims): Promise<AuthenticatedAccount | null> {
    const now = this.clock.now();
    const live = await this.liveSession(claims.accountId, claims.sessionId, now);
    if (!live) return null;
    // Activity is kept to the minute: most requests read it and write nothing.
    if (now.getTime() - live.lastActiveAt.getTime() >= ACTIVITY_RESOLUTION_SECONDS * 1000) await this.tokens.touch(claims.sessionId, now);
    return {
      accountId: live.account.accountId,
      sessionId: live.session.sessionId,
      roles: effectiveRoles(live.account, this.config.bootstrapAdminEmail),
      authenticatedAt: live.session.startedAt,
    };
  }

  async liveSession(accountId: string, sessionId: string, now: Date): Promise<LiveSession | null> {
    const account = await this.accounts.load(accountId);
    if (!account.exists || account.status === 'suspended') return null;
    const session = account.sessions[sessionId];
    if (!session || Date.parse(session.expiresAt) <= now.getTime()) return null;
    const lastActiveAt = await this.tokens.lastActiveAt(sessionId);
    if (!lastActiveAt || now.getTime() - lastActiveAt.getTime() >= this.config.sessionIdleSeconds * 1000) return null;
    return { account, session, lastActiveAt };
  }
}
