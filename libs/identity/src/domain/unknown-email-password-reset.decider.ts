import { createHash } from 'node:crypto';
import { assertNever, Decider, DomainEvent, Occurred } from '@app/ddd';

/**
 * A password reset asked for an email that no account has. It is recorded, in a stream of its own per
 * normalised email (`password_reset_email-<sha256(email)>`, never an account stream), so that such a
 * request does the same kind of work as one for a real account (a stream read and one append) and
 * support can see an address being probed. The email itself is not stored, only its hash in the name.
 */
export const UnknownEmailPasswordResetEventType = {
  Requested: 'password_reset.unknown_email_requested',
} as const;

export type UnknownEmailPasswordResetEventTypeName =
  (typeof UnknownEmailPasswordResetEventType)[keyof typeof UnknownEmailPasswordResetEventType];

export type UnknownEmailPasswordResetRequested = DomainEvent<
  typeof UnknownEmailPasswordResetEventType.Requested,
  { readonly requestId: string }
>;

export type UnknownEmailPasswordResetEvent = UnknownEmailPasswordResetRequested;

export const UNKNOWN_EMAIL_PASSWORD_RESET_STREAM_PREFIX = 'password_reset_email-';

export function unknownEmailPasswordResetStream(normalisedEmail: string): string {
  return `${UNKNOWN_EMAIL_PASSWORD_RESET_STREAM_PREFIX}${createHash('sha256').update(normalisedEmail, 'utf8').digest('hex')}`;
}

export interface RecordUnknownEmailPasswordReset {
  readonly kind: 'RecordUnknownEmailPasswordReset';
  readonly requestId: string;
}

/** Only the latest request matters (nothing is decided from the history), so a load reads one event. */
export interface UnknownEmailPasswordResetState {
  readonly lastRequestId: string | null;
}

export function evolveUnknownEmailPasswordReset(
  state: UnknownEmailPasswordResetState,
  event: Occurred<UnknownEmailPasswordResetEvent>,
): UnknownEmailPasswordResetState {
  switch (event.type) {
    case UnknownEmailPasswordResetEventType.Requested:
      return { lastRequestId: event.data.requestId };
    default:
      return assertNever(event.type);
  }
}

export function decideUnknownEmailPasswordReset(command: RecordUnknownEmailPasswordReset): UnknownEmailPasswordResetEvent[] {
  return [{ type: UnknownEmailPasswordResetEventType.Requested, data: { requestId: command.requestId } }];
}

export const unknownEmailPasswordResetDecider: Decider<
  RecordUnknownEmailPasswordReset,
  UnknownEmailPasswordResetState,
  UnknownEmailPasswordResetEvent
> = {
  initialState: { lastRequestId: null },
  evolve: evolveUnknownEmailPasswordReset,
  decide: decideUnknownEmailPasswordReset,
  tail: { maxEvents: 1, startsAfresh: () => true },
};
