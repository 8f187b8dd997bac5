import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { assertNever, Clock, DomainError, RequestContext } from '@app/ddd';
import { SessionNotFoundError } from '../domain/session.errors';
import { AccountSessionAuthority } from '../sessions/account-session-authority';
import { SessionEnder } from '../sessions/session-ender';
import { SessionTokens } from '../sessions/session-tokens';
import { EndSessionsCommand } from './end-sessions.command';

/**
 * One append per session ended, to that session's stream. Ending every other session reads the
 * account's sessions from the activity table (written before any sign-in answers); a session started
 * while this runs is not among them, as if it had started just after.
 */
@CommandHandler(EndSessionsCommand)
export class EndSessionsHandler implements ICommandHandler<EndSessionsCommand> {
  constructor(
    private readonly ender: SessionEnder,
    private readonly authority: AccountSessionAuthority,
    private readonly tokens: SessionTokens,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ account, which, context }: EndSessionsCommand): Promise<void> {
    const { accountId, sessionId: current } = account;
    switch (which.kind) {
      case 'current':
        return this.end(accountId, current, 'signed_out', context);
      case 'one':
        return this.end(accountId, which.sessionId, which.sessionId === current ? 'signed_out' : 'ended_by_owner', context);
      case 'others':
        for (const { sessionId } of await this.tokens.sessionsOf(accountId)) {
          if (sessionId === current) continue;
          try {
            await this.end(accountId, sessionId, 'ended_by_owner', context);
          } catch (error) {
            // Ended meanwhile by its holder, by time or by the account: the outcome is the same.
            if (!(error instanceof DomainError && error.code === 'not_found')) throw error;
          }
        }
        return;
      default:
        return assertNever(which);
    }
  }

  private async end(accountId: string, sessionId: string, reason: 'signed_out' | 'ended_by_owner', context: RequestContext): Promise<void> {
    // A session the account's own events already ended (or another account's) is not found.
    const now = this.clock.now();
    if (!(await this.authority.sessionOf(accountId, sessionId, now))) throw new SessionNotFoundError();
    await this.ender.run(sessionId, accountId, (at) => ({ kind: 'EndSession', accountId, reason, now: at }), context);
  }
}
