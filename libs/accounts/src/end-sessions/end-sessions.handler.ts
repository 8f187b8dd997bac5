import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { assertNever } from '@app/ddd';
import { AccountCommand } from '../domain/account.decider';
import { SessionEnder } from '../sessions/session-ender';
import { EndSessionsCommand, SessionsToEnd } from './end-sessions.command';

@CommandHandler(EndSessionsCommand)
export class EndSessionsHandler implements ICommandHandler<EndSessionsCommand> {
  constructor(private readonly ender: SessionEnder) {}

  async execute({ account, which, context }: EndSessionsCommand): Promise<void> {
    await this.ender.run(account.accountId, (now) => commandFor(which, account.sessionId, now), context);
  }
}

function commandFor(which: SessionsToEnd, currentSessionId: string, now: Date): AccountCommand {
  switch (which.kind) {
    case 'current':
      return { kind: 'EndSession', sessionId: currentSessionId, reason: 'signed_out', now };
    case 'one':
      return {
        kind: 'EndSession',
        sessionId: which.sessionId,
        reason: which.sessionId === currentSessionId ? 'signed_out' : 'ended_by_owner',
        now,
      };
    case 'others':
      return { kind: 'EndOtherSessions', keepSessionId: currentSessionId, now };
    default:
      return assertNever(which);
  }
}
