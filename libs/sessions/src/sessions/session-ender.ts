import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { SessionCommand, sessionDecider } from '../domain/session.decider';
import { SessionEventType, sessionStream } from '../domain/session.events';
import { SessionTokens } from './session-tokens';

/**
 * Runs a command on a session's stream and then drops the session's table rows if its events ended
 * it, so its tokens die with the event (the events decide; the rows only follow).
 */
@Injectable()
export class SessionEnder {
  constructor(
    private readonly runner: CommandRunner,
    private readonly tokens: SessionTokens,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Resolves to whether the command ended the session. */
  async run(sessionId: string, accountId: string, command: (now: Date) => SessionCommand, context: RequestContext): Promise<boolean> {
    const now = this.clock.now();
    const outcome = await this.runner.run(sessionStream(sessionId), sessionDecider, command(now), context, { accountId, occurredAt: now });
    const ended = outcome.events.some((event) => event.type === SessionEventType.Ended);
    if (ended) await this.tokens.forget([sessionId]);
    return ended;
  }
}
