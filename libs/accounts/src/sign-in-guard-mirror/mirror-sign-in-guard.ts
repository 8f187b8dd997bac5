import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE } from '@app/core';
import { CommandRunner } from '@app/ddd';
import { EventStore, RecordedEvent } from '@app/event-store';
import { JobHandler } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { accountDecider, GuardEventToMirror } from '../domain/account.decider';
import { accountStream } from '../domain/account.events';
import { SignInGuardEventType } from '../domain/sign-in-guard.decider';
import { AccountStates } from '../sessions/account-states';

export const ACCOUNTS_QUEUE = 'accounts';
export const MIRROR_SIGN_IN_GUARD_JOB = 'mirror-sign-in-guard';

export interface MirrorSignInGuardJob {
  readonly accountId: string;
  readonly guardStream: string;
  readonly upToRevision: number;
}

/**
 * Failed sign-ins and locks of an email that has an account are copied into the account's stream
 * (`account.sign_in_failed`, `account.sign_in_locked`) for support and audit. Copying happens after
 * the request, from the log, so a failed sign-in does the same work whether or not the account exists.
 */
export const mirrorSignInGuardReaction: Reaction = {
  name: 'accounts.mirror-sign-in-guard',
  eventTypePrefixes: ['sign_in_guard.'],
  react(event: RecordedEvent): JobRequest[] {
    const accountId = event.data.accountId;
    if (typeof accountId !== 'string') return [];
    if (event.type !== SignInGuardEventType.FailureRecorded && event.type !== SignInGuardEventType.Locked) return [];
    const payload: MirrorSignInGuardJob = { accountId, guardStream: event.stream, upToRevision: event.revision };
    return [{ queue: ACCOUNTS_QUEUE, name: MIRROR_SIGN_IN_GUARD_JOB, payload }];
  },
};

/**
 * Copies every guard event of this account not yet copied, up to the job's revision, one append each
 * with the original request's metadata (time, address, user agent). Jobs may run twice or out of order:
 * the account remembers the last revision copied, so each guard event lands once, in order.
 */
@Injectable()
export class SignInGuardMirror {
  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  handler(): JobHandler<MirrorSignInGuardJob> {
    return (job) => this.mirror(job.payload);
  }

  async mirror({ accountId, guardStream, upToRevision }: MirrorSignInGuardJob): Promise<void> {
    const account = await this.accounts.load(accountId);
    if (!account.exists) return;
    const last = account.lastMirroredGuardEvent;
    const fromRevision = last?.stream === guardStream ? last.revision + 1 : 0;
    if (fromRevision > upToRevision) return;
    const events = await this.store.readStream(guardStream, { fromRevision, maxCount: upToRevision - fromRevision + 1 });
    for (const event of events) {
      const toMirror = guardEventToMirror(event, accountId);
      if (!toMirror) continue;
      const { actor, correlationId, ip, userAgent, occurredAt } = event.metadata;
      await this.runner.run(
        accountStream(accountId),
        accountDecider,
        { kind: 'MirrorSignInGuard', guardStream, events: [toMirror] },
        { actor, correlationId, causationId: event.id, ip, userAgent },
        { accountId, occurredAt: new Date(occurredAt) },
      );
    }
  }
}

function guardEventToMirror(event: RecordedEvent, accountId: string): GuardEventToMirror | null {
  if (event.data.accountId !== accountId) return null;
  if (event.type === SignInGuardEventType.FailureRecorded)
    return { revision: event.revision, kind: 'failure', failedAt: event.metadata.occurredAt };
  if (event.type === SignInGuardEventType.Locked)
    return { revision: event.revision, kind: 'lock', lockedUntil: String(event.data.lockedUntil) };
  return null;
}
