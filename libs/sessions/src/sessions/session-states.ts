import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE } from '@app/core';
import { fold, Occurred, toDomainEvent } from '@app/ddd';
import { EventStore } from '@app/event-store';
import { evolveSession, initialSessionState, SessionState } from '../domain/session.decider';
import { SessionEvent, sessionStream } from '../domain/session.events';

const MAX_CACHED_SESSIONS = 20_000;

/**
 * Session state for the check on every request: folded from the session's own stream (two events at
 * most), kept in memory, and only the events after the folded ones read again, so another process's
 * ending is seen at once.
 */
@Injectable()
export class SessionStates {
  private readonly cache = new Map<string, { state: SessionState; revision: number }>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(sessionId: string): Promise<SessionState> {
    const cached = this.cache.get(sessionId);
    const fromRevision = cached ? cached.revision + 1 : 0;
    const events = await this.store.readStream(sessionStream(sessionId), fromRevision > 0 ? { fromRevision } : undefined);
    if (events.length === 0) return cached ? this.remember(sessionId, cached) : initialSessionState;
    const state = fold(evolveSession, cached?.state ?? initialSessionState, events.map(toDomainEvent) as Occurred<SessionEvent>[]);
    return this.remember(sessionId, { state, revision: events[events.length - 1].revision });
  }

  private remember(sessionId: string, entry: { state: SessionState; revision: number }): SessionState {
    this.cache.delete(sessionId);
    this.cache.set(sessionId, entry);
    if (this.cache.size > MAX_CACHED_SESSIONS) this.cache.delete(this.cache.keys().next().value as string);
    return entry.state;
  }
}
