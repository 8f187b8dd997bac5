import {
  ANY,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type JSONEventData,
  type RecordedEvent as EsdbRecordedEvent,
  type RegexFilter,
  type PrefixesFilter,
} from '@eventstore/db-client';
import { DuplicateEventIdError, NewEvent, WrongExpectedRevisionError, verifyChain } from '@app/event-store';
import {
  UNKNOWN_POSITION,
  UnreadableEventError,
  deserialiseEvent,
  isStreamNotFound,
  matchesTypePrefixes,
  positionFromEsdb,
  positionOfResolved,
  revisionFromEsdb,
  revisionToEsdb,
  serialiseEvents,
  subscriptionFilter,
  toEsdbExpectedRevision,
  toReadPosition,
  toReadRevision,
  translateAppendError,
} from '@app/event-store-esdb';

const ABOVE_2_POW_53 = 9007199254740993n; // 2^53 + 1: not representable as a JS number

function newEvent(id: string, type = 'account.registered', data: Record<string, unknown> = { email: 'a@example.com' }): NewEvent {
  return {
    id,
    type,
    schemaVersion: 2,
    data,
    metadata: {
      accountId: 'acc-1',
      actor: { kind: 'account', id: 'acc-1' },
      correlationId: 'corr-1',
      occurredAt: '2025-01-02T03:04:05.000Z',
    },
  };
}

/** What the client hands back for an event it wrote: JSON through the wire, revision and position as bigint. */
function asDelivered(stream: string, data: JSONEventData, revision: number, commit: bigint): EsdbRecordedEvent {
  return {
    streamId: stream,
    id: data.id,
    isJson: true,
    revision: BigInt(revision),
    type: data.type,
    created: new Date(0),
    data: JSON.parse(JSON.stringify(data.data)),
    metadata: JSON.parse(JSON.stringify(data.metadata)),
    position: { commit, prepare: commit },
  } as EsdbRecordedEvent;
}

describe('EventStoreDB mapping: expected revisions', () => {
  it('maps every mode of the port onto its own client mode', () => {
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision(0)).toBe(0n);
    expect(toEsdbExpectedRevision(41)).toBe(41n);
  });

  it('refuses a revision that is not a non-negative safe integer', () => {
    expect(() => toEsdbExpectedRevision(-1)).toThrow(RangeError);
    expect(() => toEsdbExpectedRevision(1.5)).toThrow(RangeError);
    expect(() => revisionToEsdb(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });

  it('reads revisions back as numbers, and refuses one a number cannot hold', () => {
    expect(revisionFromEsdb(7n)).toBe(7);
    expect(() => revisionFromEsdb(ABOVE_2_POW_53)).toThrow(RangeError);
  });

  it('starts a stream read at the inclusive revision, or at the start/end for its direction', () => {
    expect(toReadRevision('forwards', undefined)).toBe(START);
    expect(toReadRevision('backwards', undefined)).toBe(END);
    expect(toReadRevision('backwards', 3)).toBe(3n);
  });
});

describe('EventStoreDB mapping: positions', () => {
  it('keeps a commit position above 2^53 exact', () => {
    expect(positionFromEsdb({ commit: ABOVE_2_POW_53, prepare: ABOVE_2_POW_53 })).toBe(ABOVE_2_POW_53);
    expect(toReadPosition(ABOVE_2_POW_53)).toEqual({ commit: ABOVE_2_POW_53, prepare: ABOVE_2_POW_53 });
  });

  it('reads from the start of the log when there is no checkpoint (or the empty-store position 0)', () => {
    expect(toReadPosition(undefined)).toBe(START);
    expect(toReadPosition(0n)).toBe(START);
    expect(() => toReadPosition(-5n)).toThrow(RangeError);
  });

  it('treats the "no position" value of servers before 22.6, and an unset 0, as unknown', () => {
    expect(positionFromEsdb({ commit: UNKNOWN_POSITION, prepare: UNKNOWN_POSITION })).toBeUndefined();
    expect(positionFromEsdb({ commit: 0n, prepare: 0n })).toBeUndefined();
    expect(positionFromEsdb(undefined)).toBeUndefined();
  });

  it("takes a resolved event's position from the event, else from the commit position of the read", () => {
    const [serialised] = serialiseEvents('s-1', [newEvent('00000000-0000-4000-8000-000000000001')], 0, null);
    const delivered = asDelivered('s-1', serialised.eventData as JSONEventData, 0, 1234n);
    expect(positionOfResolved({ event: delivered })).toBe(1234n);
    const withoutPosition = { ...delivered, position: undefined };
    expect(positionOfResolved({ event: withoutPosition, commitPosition: 99n })).toBe(99n);
    expect(() => positionOfResolved({ event: withoutPosition })).toThrow(/22\.6/);
  });
});

describe('EventStoreDB mapping: events', () => {
  const stream = 'account-7';
  const events = [
    newEvent('0F8FAD5B-D9CB-469F-A165-70867728950E'),
    newEvent('7c9e6679-7425-40de-944b-e07fc1f90ae7', 'account.email_changed', { email: 'b@example.com', big: '9007199254740993' }),
  ];

  it('writes JSON events whose metadata carries the hash chain and the schema version', () => {
    const serialised = serialiseEvents(stream, events, 3, 'prev-hash');
    const [first, second] = serialised.map((event) => event.eventData as JSONEventData);
    expect(first).toMatchObject({ contentType: 'application/json', type: 'account.registered', data: { email: 'a@example.com' } });
    expect(first.id).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(first.metadata).toMatchObject({
      accountId: 'acc-1',
      actor: { kind: 'account', id: 'acc-1' },
      correlationId: 'corr-1',
      occurredAt: '2025-01-02T03:04:05.000Z',
      schemaVersion: 2,
      prevHash: 'prev-hash',
      hash: serialised[0].hash,
    });
    expect(second.metadata).toMatchObject({ prevHash: serialised[0].hash, hash: serialised[1].hash });
    expect(serialised.map((event) => event.revision)).toEqual([3, 4]);
  });

  it('reads back, through JSON, the same event with an intact chain', () => {
    const serialised = serialiseEvents(stream, events, 0, null);
    const read = serialised.map((event, i) =>
      deserialiseEvent(asDelivered(stream, event.eventData as JSONEventData, i, ABOVE_2_POW_53 + BigInt(i)), ABOVE_2_POW_53 + BigInt(i)),
    );
    expect(read[1]).toEqual({
      id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      stream,
      revision: 1,
      position: ABOVE_2_POW_53 + 1n,
      type: 'account.email_changed',
      schemaVersion: 2,
      data: { email: 'b@example.com', big: '9007199254740993' },
      metadata: { ...events[1].metadata, prevHash: serialised[0].hash, hash: serialised[1].hash },
    });
    expect(verifyChain(read)).toEqual({ intact: true, events: 2 });
  });

  it('detects a change to stored data through the chain', () => {
    const serialised = serialiseEvents(stream, events, 0, null);
    const read = serialised.map((event, i) =>
      deserialiseEvent(asDelivered(stream, event.eventData as JSONEventData, i, BigInt(i + 1)), BigInt(i + 1)),
    );
    const altered = [read[0], { ...read[1], data: { email: 'evil@example.com' } }];
    expect(verifyChain(altered)).toEqual({ intact: false, events: 2, firstBrokenRevision: 1 });
  });

  it('refuses an event it did not write, naming why', () => {
    const [serialised] = serialiseEvents(stream, events, 0, null);
    const delivered = asDelivered(stream, serialised.eventData as JSONEventData, 0, 10n);
    const binary = { ...delivered, isJson: false, data: new Uint8Array([1]) } as unknown as EsdbRecordedEvent;
    expect(() => deserialiseEvent(binary, 10n)).toThrow(UnreadableEventError);
    const noVersion = { ...delivered, metadata: { ...(delivered.metadata as object), schemaVersion: undefined } } as EsdbRecordedEvent;
    expect(() => deserialiseEvent(noVersion, 10n)).toThrow(/schemaVersion/);
    const noMetadata = { ...delivered, metadata: undefined } as EsdbRecordedEvent;
    expect(() => deserialiseEvent(noMetadata, 10n)).toThrow(/metadata/);
  });
});

describe('EventStoreDB mapping: filters', () => {
  const regexOf = (filter: ReturnType<typeof subscriptionFilter>) => new RegExp((filter as RegexFilter).regex);

  it('excludes system events on the server when no prefixes are asked for', () => {
    const filter = subscriptionFilter(undefined);
    expect(filter.filterOn).toBe('eventType');
    expect(regexOf(filter).test('account.registered')).toBe(true);
    expect(regexOf(filter).test('$metadata')).toBe(false);
  });

  it('matches nothing for an empty list of prefixes, as on PostgreSQL', () => {
    const filter = regexOf(subscriptionFilter([]));
    expect(filter.test('account.registered')).toBe(false);
    expect(filter.test('')).toBe(false);
    expect(matchesTypePrefixes('account.registered', [])).toBe(false);
  });

  it('filters on event-type prefixes on the server, which cannot match a system event', () => {
    const filter = subscriptionFilter(['account.', 'billing.']) as PrefixesFilter;
    expect(filter).toMatchObject({ filterOn: 'eventType', prefixes: ['account.', 'billing.'] });
  });

  it('falls back to a regex that still excludes system events when a prefix could match one', () => {
    const filter = subscriptionFilter(['', 'a.b']);
    expect(regexOf(filter).test('anything')).toBe(true);
    expect(regexOf(filter).test('$>')).toBe(false);
    const dotted = regexOf(subscriptionFilter(['$', 'a.b']));
    expect(dotted.test('a.b.c')).toBe(true);
    expect(dotted.test('aXb')).toBe(false);
    expect(dotted.test('$statsCollected')).toBe(false);
  });

  it('applies the same rule client side', () => {
    expect(matchesTypePrefixes('account.registered', ['account.'])).toBe(true);
    expect(matchesTypePrefixes('billing.charged', ['account.'])).toBe(false);
    expect(matchesTypePrefixes('billing.charged', undefined)).toBe(true);
    expect(matchesTypePrefixes('$metadata', undefined)).toBe(false);
    expect(matchesTypePrefixes('$metadata', ['$'])).toBe(false);
  });
});

describe('EventStoreDB mapping: errors', () => {
  it("translates the client's wrong-expected-version error, with -1 for a missing stream", () => {
    const missing = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 3n, current: NO_STREAM });
    const behind = new WrongExpectedVersionError(undefined, { streamName: 's', expected: NO_STREAM, current: 4n });
    const translatedMissing = translateAppendError(missing, 's', 3);
    expect(translatedMissing).toBeInstanceOf(WrongExpectedRevisionError);
    expect(translatedMissing).toMatchObject({ stream: 's', expected: 3, actual: -1 });
    expect(translateAppendError(behind, 's', 'no_stream')).toMatchObject({ stream: 's', expected: 'no_stream', actual: 4 });
  });

  it('passes any other error through unchanged', () => {
    const unavailable = new UnavailableError();
    const duplicate = new DuplicateEventIdError('s', 'id');
    expect(translateAppendError(unavailable, 's', 'any')).toBe(unavailable);
    expect(translateAppendError(duplicate, 's', 'any')).toBe(duplicate);
  });

  it('recognises a missing stream on read', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 's'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
  });
});
