import { Injectable } from '@nestjs/common';
import { systemContext } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { ACCOUNT_STREAM_PREFIX, AccountEventType, AccountStates } from '@app/identity';
import { JobHandler } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { SessionEnder } from '../sessions/session-ender';
import { SessionTokens } from '../sessions/session-tokens';

export const SESSIONS_QUEUE = 'sessions';
export const RECORD_ACCOUNT_SESSION_ENDS_JOB = 'record-account-session-ends';

export interface RecordAccountSessionEndsJob {
  readonly accountId: string;
  readonly reason: 'password_changed' | 'suspended' | 'account_closed' | 'account_erased';
}

function endReasonOf(type: string): RecordAccountSessionEndsJob['reason'] | null {
  if (type === AccountEventType.PasswordChanged) return 'password_changed';
  if (type === AccountEventType.Suspended) return 'suspended';
  if (type === AccountEventType.Closed) return 'account_closed';
  if (type === AccountEventType.Erased) return 'account_erased';
  return null;
}

/**
 * A password change (or reset), a suspension, a closure and an erasure end every session of the account the moment they are
 * appended to the account's stream (the session epoch moves on: see `sessionIsLive`). This reaction
 * writes the audit trail afterwards: `session.ended` in each such session's stream, and drops their
 * token rows.
 */
export const accountSessionEndsReaction: Reaction = {
  name: 'sessions.account-session-ends',
  eventTypePrefixes: [AccountEventType.PasswordChanged, AccountEventType.Suspended, AccountEventType.Closed, AccountEventType.Erased],
  react(event: RecordedEvent): JobRequest[] {
    const accountId = event.metadata.accountId ?? event.stream.slice(ACCOUNT_STREAM_PREFIX.length);
    const reason = endReasonOf(event.type);
    if (typeof accountId !== 'string' || reason === null) return [];
    const payload: RecordAccountSessionEndsJob = { accountId, reason };
    return [{ queue: SESSIONS_QUEUE, name: RECORD_ACCOUNT_SESSION_ENDS_JOB, payload }];
  },
};

@Injectable()
export class AccountSessionEnds {
  constructor(
    private readonly accounts: AccountStates,
    private readonly tokens: SessionTokens,
    private readonly ender: SessionEnder,
  ) {}

  handler(): JobHandler<RecordAccountSessionEndsJob> {
    return (job) => this.record(job.payload, job.id);
  }

  async record({ accountId, reason }: RecordAccountSessionEndsJob, correlationId: string): Promise<void> {
    const account = await this.accounts.load(accountId);
    if (!account.exists) return;
    const ended = (await this.tokens.sessionsOf(accountId)).filter((session) => session.accountEpoch < account.sessionEpoch);
    for (const { sessionId } of ended) {
      await this.ender.run(
        sessionId,
        accountId,
        () => ({ kind: 'RecordAccountEnd', reason, accountEpoch: account.sessionEpoch }),
        systemContext(correlationId),
      );
    }
    await this.tokens.forget(ended.map((session) => session.sessionId));
  }
}
