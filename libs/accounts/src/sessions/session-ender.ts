import { Inject, Injectable } from '@nestjs/common';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { AccountCommand, accountDecider } from '../domain/account.decider';
import { AccountEventType, accountStream } from '../domain/account.events';
import { SessionTokens } from './session-tokens';

/**
 * Runs an account command and then drops the table rows of every session its events ended, so their
 * tokens die with the events (the events decide; the rows only follow).
 */
@Injectable()
export class SessionEnder {
  constructor(
    private readonly runner: CommandRunner,
    private readonly tokens: SessionTokens,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Resolves to the ids of the sessions the command ended. */
  async run(accountId: string, command: (now: Date) => AccountCommand, context: RequestContext): Promise<readonly string[]> {
    const now = this.clock.now();
    const outcome = await this.runner.run(accountStream(accountId), accountDecider, command(now), context, { accountId, occurredAt: now });
    const ended = outcome.events.flatMap((event) => (event.type === AccountEventType.SessionEnded ? [event.data.sessionId] : []));
    await this.tokens.forget(ended);
    return ended;
  }
}
