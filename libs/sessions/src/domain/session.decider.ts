import { assertNever, Decider, Occurred } from '@app/ddd';
import { SessionNotFoundError, SignInSuspendedError } from './session.errors';
import { SessionEndReason, SessionEvent, SessionEventType, SignInMethod } from './session.events';

export interface OpenSession {
  readonly exists: true;
  readonly sessionId: string;
  readonly accountId: string;
  readonly method: SignInMethod;
  readonly secondFactor: string | null;
  readonly startedAt: string;
  readonly expiresAt: string;
  readonly accountEpoch: number;
  readonly ended: { readonly reason: SessionEndReason; readonly at: string } | null;
}

export type SessionState = { readonly exists: false } | OpenSession;

/** What the account's stream said when the sign-in was decided (read through identity's port). */
export interface AccountFacts {
  readonly suspended: boolean;
  readonly sessionEpoch: number;
}

export interface StartSession {
  readonly kind: 'StartSession';
  readonly sessionId: string;
  readonly accountId: string;
  readonly method: SignInMethod;
  readonly secondFactor?: string;
  readonly account: AccountFacts;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly now: Date;
  readonly maxSeconds: number;
}

export interface EndSession {
  readonly kind: 'EndSession';
  /** The account asking (the owner, or the account whose event ended it): another's session is not found. */
  readonly accountId: string;
  readonly reason: Extract<SessionEndReason, 'signed_out' | 'ended_by_owner' | 'refresh_token_reused'>;
  readonly now: Date;
}

/** For the audit trail, after the account's event that already ended the session (see `sessionIsLive`). */
export interface RecordAccountEnd {
  readonly kind: 'RecordAccountEnd';
  readonly reason: Extract<SessionEndReason, 'password_changed' | 'suspended' | 'account_closed' | 'account_erased'>;
  /** The account's epoch after its event: sessions of an older epoch are the ones it ended. */
  readonly accountEpoch: number;
}

/**
 * For the sweep that writes the audit trail's `idle` / `expired` endings; never needed for a session to
 * stop working. Records an end only if time had decided it by `asOf`, from the session's absolute end
 * and `lastActiveAt` (the activity table's value; null when it has no row: only the absolute end counts).
 */
export interface RecordSessionEnd {
  readonly kind: 'RecordSessionEnd';
  readonly lastActiveAt: Date | null;
  readonly idleSeconds: number;
  readonly asOf: Date;
}

export type SessionCommand = StartSession | EndSession | RecordAccountEnd | RecordSessionEnd;

export const initialSessionState: SessionState = { exists: false };

/**
 * Whether a session may be used at `now`, decided from its own stream and the account's (both read from
 * the store, never a read model): started and not ended, before its absolute end, account not
 * suspended, and the account's session epoch still the one the sign-in read.
 */
export function sessionIsLive(session: SessionState, account: AccountFacts | null, now: Date): session is OpenSession {
  if (!session.exists || session.ended !== null) return false;
  if (Date.parse(session.expiresAt) <= now.getTime()) return false;
  if (account === null || account.suspended) return false;
  return account.sessionEpoch === session.accountEpoch;
}

/**
 * How time ended a session by `asOf`, if it did: idle once `lastActiveAt + idleSeconds` is reached,
 * expired at its absolute end, whichever came first. The same rule as the session check on every request.
 */
export function sessionEndedByTime(
  session: Pick<OpenSession, 'expiresAt'>,
  lastActiveAt: Date | null,
  idleSeconds: number,
  asOf: Date,
): { readonly reason: 'idle' | 'expired'; readonly endedAt: string } | null {
  const absoluteEnd = Date.parse(session.expiresAt);
  const idleEnd = lastActiveAt === null ? Infinity : lastActiveAt.getTime() + idleSeconds * 1000;
  const end = Math.min(absoluteEnd, idleEnd);
  if (end > asOf.getTime()) return null;
  return idleEnd < absoluteEnd
    ? { reason: 'idle', endedAt: new Date(idleEnd).toISOString() }
    : { reason: 'expired', endedAt: session.expiresAt };
}

export function evolveSession(state: SessionState, event: Occurred<SessionEvent>): SessionState {
  switch (event.type) {
    case SessionEventType.Started:
      return {
        exists: true,
        sessionId: event.data.sessionId,
        accountId: event.data.accountId,
        method: event.data.method,
        secondFactor: event.data.secondFactor ?? null,
        startedAt: event.occurredAt,
        expiresAt: event.data.expiresAt,
        accountEpoch: event.data.accountEpoch,
        ended: null,
      };
    case SessionEventType.Ended:
      if (!state.exists) return state;
      return { ...state, ended: { reason: event.data.reason, at: event.data.endedAt ?? event.occurredAt } };
    default:
      return assertNever(event);
  }
}

function ended(state: OpenSession, reason: SessionEndReason, endedAt?: string): SessionEvent[] {
  const data = { sessionId: state.sessionId, accountId: state.accountId, reason };
  return [{ type: SessionEventType.Ended, data: endedAt === undefined ? data : { ...data, endedAt } }];
}

export function decideSession(command: SessionCommand, state: SessionState): SessionEvent[] {
  switch (command.kind) {
    case 'StartSession': {
      if (state.exists) throw new Error(`session ${command.sessionId} already exists`);
      if (command.account.suspended) throw new SignInSuspendedError();
      const expiresAt = new Date(command.now.getTime() + command.maxSeconds * 1000).toISOString();
      const data = {
        sessionId: command.sessionId,
        accountId: command.accountId,
        method: command.method,
        expiresAt,
        accountEpoch: command.account.sessionEpoch,
        ip: command.ip,
        userAgent: command.userAgent,
      };
      return [{ type: SessionEventType.Started, data: command.secondFactor ? { ...data, secondFactor: command.secondFactor } : data }];
    }
    case 'EndSession':
      if (!state.exists || state.accountId !== command.accountId || state.ended !== null) throw new SessionNotFoundError();
      if (Date.parse(state.expiresAt) <= command.now.getTime()) throw new SessionNotFoundError();
      return ended(state, command.reason);
    case 'RecordAccountEnd':
      if (!state.exists || state.ended !== null || state.accountEpoch >= command.accountEpoch) return [];
      return ended(state, command.reason);
    case 'RecordSessionEnd': {
      // Nothing for a session already ended by an event (or unknown): a second run records nothing.
      if (!state.exists || state.ended !== null) return [];
      const byTime = sessionEndedByTime(state, command.lastActiveAt, command.idleSeconds, command.asOf);
      return byTime ? ended(state, byTime.reason, byTime.endedAt) : [];
    }
    default:
      return assertNever(command);
  }
}

export const sessionDecider: Decider<SessionCommand, SessionState, SessionEvent> = {
  initialState: initialSessionState,
  evolve: evolveSession,
  decide: decideSession,
};
