import { ExpectedRevision } from './event-store.port';

export class WrongExpectedRevisionError extends Error {
  readonly code = 'wrong_expected_revision' as const;

  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${actual}`);
  }
}

/** The same event id was appended with different content, or at another place of the stream. */
export class DuplicateEventIdError extends Error {
  readonly code = 'duplicate_event_id' as const;

  constructor(
    readonly stream: string,
    readonly eventId: string,
  ) {
    super(`stream ${stream}: event ${eventId} already exists elsewhere`);
  }
}
