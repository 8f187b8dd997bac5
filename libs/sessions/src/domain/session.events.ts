import { DomainEvent } from '@app/ddd';

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const SessionEventType = {
  Started: 'session.started',
  Ended: 'session.ended',
} as const;

/** `oidc:<provider>`: through an identity linked at that OpenID Connect provider (social sign-in). */
export type SignInMethod = 'password' | `oidc:${string}`;

export const oidcSignInMethod = (provider: string): SignInMethod => `oidc:${provider}`;

export type SessionStarted = DomainEvent<
  typeof SessionEventType.Started,
  {
    readonly sessionId: string;
    readonly accountId: string;
    /** How the first factor was proven. */
    readonly method: SignInMethod;
    /** The second factor the sign-in completed with (MFA), absent when none was asked. */
    readonly secondFactor?: string;
    /** The absolute end of the session (SESSION_MAX_SECONDS after its start, as configured then). */
    readonly expiresAt: string;
    /** The account's session epoch the sign-in read: the session lives only while it is the account's. */
    readonly accountEpoch: number;
    /** Where the sign-in came from, as the session listing shows it (personal data). */
    readonly ip: string | null;
    readonly userAgent: string | null;
  }
>;

/**
 * `password_changed` and `suspended` are recorded after the account's event that ended the session (it
 * stopped working at that event); `idle` and `expired` are recorded by the sweep, with `endedAt` the
 * instant time ended it. Either way the event is the audit trail, never what makes the session stop.
 */
export type SessionEndReason =
  | 'signed_out'
  | 'ended_by_owner'
  | 'password_changed'
  | 'suspended'
  | 'account_closed'
  | 'account_erased'
  | 'refresh_token_reused'
  | 'idle'
  | 'expired';

export type SessionEnded = DomainEvent<
  typeof SessionEventType.Ended,
  {
    readonly sessionId: string;
    readonly accountId: string;
    readonly reason: SessionEndReason;
    /** For `idle` and `expired`: the instant time ended the session, earlier than the event. */
    readonly endedAt?: string;
  }
>;

export type SessionEvent = SessionStarted | SessionEnded;
export type SessionEventTypeName = SessionEvent['type'];

export const SESSION_STREAM_PREFIX = 'session-';

/** One stream per session: two events at most, whatever the account's age. */
export const sessionStream = (sessionId: string): string => `${SESSION_STREAM_PREFIX}${sessionId}`;
