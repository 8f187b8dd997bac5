import { Inject, Injectable } from '@nestjs/common';
import { AccessTokenClaims, AuthenticatedAccount, SessionAuthority } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { AccountStates, effectiveRoles, ExistingAccount } from '@app/identity';
import { OpenSession, sessionIsLive } from '../domain/session.decider';
import { SessionStates } from './session-states';
import { activityResolutionMs, SessionTokens } from './session-tokens';

export interface LiveSession {
  readonly account: ExistingAccount;
  readonly session: OpenSession;
  readonly lastActiveAt: Date;
}

/**
 * Decides on every request whether a session is live, from consistent sources only: the session's
 * stream (started, not ended, not past its absolute end), the account's stream (not suspended, session
 * epoch unchanged since the sign-in) and the activity table (used within SESSION_IDLE_SECONDS). All
 * are written before sign-in answers, so no projection lag.
 */
@Injectable()
export class AccountSessionAuthority extends SessionAuthority {
  private readonly resolutionMs: number;

  constructor(
    private readonly accounts: AccountStates,
    private readonly sessions: SessionStates,
    private readonly tokens: SessionTokens,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
    this.resolutionMs = activityResolutionMs(config.sessionIdleSeconds);
  }

  async authenticate(claims: AccessTokenClaims): Promise<AuthenticatedAccount | null> {
    const now = this.clock.now();
    const live = await this.liveSession(claims.accountId, claims.sessionId, now);
    if (!live) return null;
    // Activity is kept to the resolution: most requests read it and write nothing.
    if (now.getTime() - live.lastActiveAt.getTime() >= this.resolutionMs) await this.tokens.touch(claims.sessionId, now, this.resolutionMs);
    return {
      accountId: live.account.accountId,
      sessionId: live.session.sessionId,
      roles: effectiveRoles(live.account, this.config.bootstrapAdminEmail),
      authenticatedAt: live.session.startedAt,
      secondFactor: live.session.secondFactor,
    };
  }

  /**
   * The account's session, unless it is ended by an event (its own, or the account's epoch) or past its
   * absolute end; an idle one still counts (its owner may end it).
   */
  async sessionOf(accountId: string, sessionId: string, now: Date): Promise<OpenSession | null> {
    const [session, account] = await Promise.all([this.sessions.load(sessionId), this.accounts.load(accountId)]);
    if (!session.exists || session.accountId !== accountId || !account.exists) return null;
    return sessionIsLive(session, { suspended: false, sessionEpoch: account.sessionEpoch }, now) ? session : null;
  }

  async liveSession(accountId: string, sessionId: string, now: Date): Promise<LiveSession | null> {
    const [session, account] = await Promise.all([this.sessions.load(sessionId), this.accounts.load(accountId)]);
    if (!session.exists || session.accountId !== accountId || !account.exists) return null;
    if (!sessionIsLive(session, { suspended: account.status === 'suspended', sessionEpoch: account.sessionEpoch }, now)) return null;
    const lastActiveAt = await this.tokens.lastActiveAt(sessionId);
    if (!lastActiveAt || now.getTime() - lastActiveAt.getTime() >= this.config.sessionIdleSeconds * 1000) return null;
    return { account, session, lastActiveAt };
  }
}
