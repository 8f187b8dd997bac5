import { Inject, Injectable } from '@nestjs/common';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK, LOGGER, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock, systemContext } from '@app/ddd';
import { JobHandler } from '@app/messaging';
import { sweepCandidates, sweepSchedule, SweepOutcome } from '@app/projections';
import { Logger as PinoLogger } from 'pino';
import { ACCOUNT_SESSIONS_TABLE } from '../../../../projections/account-sessions/account-sessions.projection';
import { SessionEnder } from '../sessions/session-ender';
import { MAX_ACTIVITY_RESOLUTION_SECONDS, SessionTokens } from '../sessions/session-tokens';
import { SESSION_ACTIVITY_TABLE } from '../sessions/sessions.migrations';

export const RECORD_SESSION_ENDS_JOB = 'record-session-ends';
/** Sessions looked at per run; what is left waits for the next run. */
export const SESSION_END_BATCH = 500;
/**
 * Only ends time decided at least this long ago are recorded. A request that found the session live
 * just before its idle limit records its activity a moment later; this leaves that write time to land,
 * so the sweep never reads an activity instant older than the one the request acted on.
 */
export const SESSION_END_SETTLE_SECONDS = MAX_ACTIVITY_RESOLUTION_SECONDS;

export const sessionEndSchedule = sweepSchedule('accounts.record-session-ends', RECORD_SESSION_ENDS_JOB);

/**
 * Tidying only: writes `session.ended` (`idle` or `expired`, with the instant) for sessions that
 * time already ended, and drops their activity and refresh-token rows. Every request decides liveness
 * itself from the session's and the account's streams, the activity table and the clock, so a session stops working at that
 * instant whether or not this ever runs.
 *
 * Candidates come from AccountSessions (not ended, past their absolute end) and the activity table
 * (unused past SESSION_IDLE_SECONDS); each is decided on the session's stream with the session's activity
 * read again just before, and appended with the stream's exact revision, so a session ended meanwhile
 * (signed out, password changed, already recorded) gets nothing and a second run appends nothing.
 */
@Injectable()
export class SessionEndSweep {
  constructor(
    private readonly ender: SessionEnder,
    private readonly tokens: SessionTokens,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: PinoLogger,
  ) {}

  handler(): JobHandler {
    return async (job) => {
      const outcome = await this.run(job.id);
      if (outcome.recorded > 0) this.logger.info({ component: 'accounts', ...outcome }, 'session ends recorded');
    };
  }

  async run(correlationId: string, batch = SESSION_END_BATCH): Promise<SweepOutcome> {
    const idleSeconds = this.config.sessionIdleSeconds;
    const asOf = (now: Date) => new Date(now.getTime() - SESSION_END_SETTLE_SECONDS * 1000);
    const settled = asOf(this.clock.now());
    const { rows } = await this.db.query<{ session_id: string; account_id: string }>(
      `(SELECT s.session_id, s.account_id FROM ${ACCOUNT_SESSIONS_TABLE} s
         WHERE s.ended_at IS NULL AND s.expires_at <= $1
         ORDER BY s.expires_at LIMIT $3)
       UNION
       (SELECT s.session_id, s.account_id FROM ${SESSION_ACTIVITY_TABLE} a JOIN ${ACCOUNT_SESSIONS_TABLE} s ON s.session_id = a.session_id
         WHERE s.ended_at IS NULL AND a.last_active_at <= $2
         ORDER BY a.last_active_at LIMIT $3)
       LIMIT $3`,
      [settled.toISOString(), new Date(settled.getTime() - idleSeconds * 1000).toISOString(), batch],
    );
    return sweepCandidates(
      rows,
      async ({ session_id: sessionId, account_id: accountId }) => {
        const lastActiveAt = await this.tokens.lastActiveAt(sessionId);
        const ended = await this.ender.run(
          sessionId,
          accountId,
          (now) => ({ kind: 'RecordSessionEnd', lastActiveAt, idleSeconds, asOf: asOf(now) }),
          systemContext(correlationId),
        );
        return ended ? 1 : 0;
      },
      ({ session_id: sessionId }, error) =>
        this.logger.warn({ component: 'accounts', sessionId, err: error.message }, 'session end not recorded'),
      'sessions',
    );
  }
}
