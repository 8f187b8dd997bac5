import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccessTokens } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock, DomainError } from '@app/ddd';
import { UnauthorizedError } from '@app/http';
import { AccountSessionAuthority } from '../sessions/account-session-authority';
import { SessionEnder } from '../sessions/session-ender';
import { SessionTokensDto } from '../sessions/session-starter';
import { SessionTokens } from '../sessions/session-tokens';
import { RefreshSessionCommand } from './refresh-session.command';

/**
 * Rotates the refresh token of a live session. A token from an older generation means two parties
 * hold the session's tokens (one of them stole it): the session ends, for both.
 */
@CommandHandler(RefreshSessionCommand)
export class RefreshSessionHandler implements ICommandHandler<RefreshSessionCommand> {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly authority: AccountSessionAuthority,
    private readonly accessTokens: AccessTokens,
    private readonly ender: SessionEnder,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ refreshToken, context }: RefreshSessionCommand): Promise<SessionTokensDto> {
    const now = this.clock.now();
    const presented = await this.tokens.find(refreshToken);
    if (!presented) throw invalidRefreshToken();
    const { accountId, sessionId } = presented;
    const live = await this.authority.liveSession(accountId, sessionId, now);
    if (!live) throw invalidRefreshToken();
    const next =
      presented.generation === presented.currentGeneration ? await this.tokens.rotate(sessionId, presented.generation, now) : null;
    if (next === null) {
      await this.endReusedSession(accountId, sessionId, context);
      throw invalidRefreshToken();
    }
    return { ...this.accessTokens.issue(accountId, sessionId), refreshToken: next };
  }

  private async endReusedSession(accountId: string, sessionId: string, context: RefreshSessionCommand['context']): Promise<void> {
    try {
      await this.ender.run(sessionId, accountId, (now) => ({ kind: 'EndSession', accountId, reason: 'refresh_token_reused', now }), {
        ...context,
        actor: { kind: 'system', id: 'account-service' },
      });
    } catch (error) {
      // Ended concurrently by someone else: the outcome is the same.
      if (!(error instanceof DomainError && error.code === 'not_found')) throw error;
    }
  }
}

function invalidRefreshToken(): UnauthorizedError {
  return new UnauthorizedError('The refresh token is not valid');
}
