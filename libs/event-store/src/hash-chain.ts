import { hash } from 'node:crypto';
import { ChainedMetadata, EventData, EventMetadata } from './event-store.port';

/**
 * The canonical encoding hashed for each event: JSON with object keys sorted at every depth, of
 * `{id, stream, revision, type, schemaVersion, data, metadata (without hash), prevHash}`.
 * The global position is not included: EventStoreDB assigns it after the write.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

export interface HashableEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: EventData;
  readonly metadata: EventMetadata;
}

export function eventHash(event: HashableEvent, prevHash: string | null): string {
  const { hash: _ignored, prevHash: _alsoIgnored, ...metadata } = event.metadata as ChainedMetadata;
  const encoded = canonicalJson({
    id: event.id,
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata,
    prevHash,
  });
  return hash('sha256', encoded, 'hex');
}

/** Metadata as stored: the writer's metadata plus the chain links. */
export function chainMetadata(event: HashableEvent, prevHash: string | null): ChainedMetadata {
  return { ...event.metadata, prevHash, hash: eventHash(event, prevHash) };
}

export interface ChainVerification {
  readonly intact: boolean;
  readonly events: number;
  /** The first revision whose link or hash does not hold. */
  readonly firstBrokenRevision?: number;
}

/** Verifies one stream's events, read forwards from revision 0, as stored (before any upcasting). */
export function verifyChain(events: readonly (HashableEvent & { metadata: ChainedMetadata })[]): ChainVerification {
  let prevHash: string | null = null;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    const linked = event.revision === index && event.metadata.prevHash === prevHash;
    if (!linked || eventHash(event, prevHash) !== event.metadata.hash) {
      return { intact: false, events: events.length, firstBrokenRevision: event.revision };
    }
    prevHash = event.metadata.hash;
  }
  return { intact: true, events: events.length };
}
