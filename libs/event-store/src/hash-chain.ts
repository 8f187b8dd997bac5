import { hash } from 'node:crypto';
import { ChainedMetadata, EventData, EventMetadata } from './event-store.port';

/**
 * The canonical encoding hashed for each event: JSON with object keys sorted at every depth, of
 * `{id, stream, revision, type, schemaVersion, data, metadata (without hash), prevHash}`.
 * The global position is not included: EventStoreDB assigns it after the write.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (value === undefined) return 'null';
    return JSON.stringify(value);
  }
  // Concatenation instead of map/filter/join: a quarter less CPU per event (3.5 µs against 4.6 for an
  // API key event, a 2-core machine at load 11), and each event of an append is hashed. A hole in an array
  // stays empty, as join left it.
  if (Array.isArray(value)) {
    if (itemsFlatAndSorted(value)) return JSON.stringify(value);
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ',';
      if (index in value) out += canonicalJson(value[index]);
    }
    return out + ']';
  }
  if (isFlatAndSorted(value as Record<string, unknown>)) return JSON.stringify(value);
  return `{${canonicalMembers(value as Record<string, unknown>, false)}}`;
}

/** A scalar JSON.stringify writes as canonicalJson does: a string, a finite number, a boolean, null. */
function isPlainScalar(value: unknown): boolean {
  const type = typeof value;
  return type === 'string' || type === 'boolean' || value === null || (type === 'number' && Number.isFinite(value));
}

/**
 * A plain object whose own keys are already in sorted order and whose values are all plain scalars:
 * then JSON.stringify writes exactly its canonical encoding, natively. A usage event's records are such
 * objects (built in key order), 1,000 per request: encoded member by member, they were most of the
 * hashing, itself an eighth of the api's CPU under the usage bench (cpu profile, 2 cores). Anything
 * else (nested values, undefined, another prototype or a toJSON, a key out of order) takes the general path.
 */
function isFlatAndSorted(record: Record<string, unknown>): boolean {
  const prototype = Object.getPrototypeOf(record) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  let previous: string | undefined;
  for (const key in record) {
    if (!Object.hasOwn(record, key) || (previous !== undefined && !(previous < key)) || !isPlainScalar(record[key])) return false;
    previous = key;
  }
  return true;
}

/** An array of plain scalars and flat sorted objects (a hole reads as undefined: not one): JSON.stringify writes it canonically too. */
function itemsFlatAndSorted(items: readonly unknown[]): boolean {
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (isPlainScalar(item)) continue;
    if (typeof item !== 'object' || Array.isArray(item) || !isFlatAndSorted(item as Record<string, unknown>)) return false;
  }
  return true;
}

/**
 * An object's own keys in sorted order, as `Object.keys(record).sort()`: a few keys sorted in place by
 * insertion, none moved when already in order. Array.prototype.sort allocated about 1.7 KB per API key
 * event's metadata (its two sorts, of four keys and of two), 17% of all the bytes the bench process
 * allocated in 100-event appends (sampling heap profile, garbage included); canonicalMetadata of that
 * metadata, interleaved batches: 4.1-4.5 -> 3.2-3.5 µs (2 cores, load 3-4).
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let index = 1; index < keys.length; index++) {
    const key = keys[index];
    let at = index;
    while (at > 0 && key < keys[at - 1]) {
      keys[at] = keys[at - 1];
      at--;
    }
    keys[at] = key;
  }
  return keys;
}

/** The members of an object, keys sorted, undefined fields left out; optionally without the chain links. */
function canonicalMembers(record: Record<string, unknown>, withoutLinks: boolean): string {
  let out = '';
  for (const key of sortedKeys(record)) {
    const field = record[key];
    if (field === undefined || (withoutLinks && (key === 'hash' || key === 'prevHash'))) continue;
    const encoded = canonicalJson(field);
    // (canonicalJson of a function or a symbol is undefined: left out, as JSON.stringify leaves it out)
    if (encoded === undefined) continue;
    out += `${out === '' ? '' : ','}${quotedKey(key)}:${encoded}`;
  }
  return out;
}

/**
 * Keys as JSON strings, kept: the keys are the event schemas' field names, few, and a usage event
 * encodes 200 of them (50 records of 4 fields).
 */
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function member(out: string, quotedKey: string, encoded: string | undefined): string {
  if (encoded === undefined) return out;
  return `${out}${out === '' ? '' : ','}${quotedKey}:${encoded}`;
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

const encodedField = (value: unknown): string | undefined => (value === undefined ? undefined : canonicalJson(value));

export function eventHash(event: HashableEvent, prevHash: string | null): string {
  return eventHashOfEncoded(event, encodedField(event.data), canonicalMetadata(event.metadata), prevHash);
}

/** The metadata's part of the hashed encoding: canonicalJson of it without its chain links. */
export function canonicalMetadata(metadata: EventMetadata): string {
  return `{${canonicalMembers(metadata as unknown as Record<string, unknown>, true)}}`;
}

/**
 * `eventHash` with the data and the metadata already encoded (`canonicalJson(event.data)`,
 * `canonicalMetadata(event.metadata)`): a store encodes both when the event is handed over (the caller
 * may change its objects while the append waits for the head), and hashes once it knows the head.
 */
export function eventHashOfEncoded(
  event: Omit<HashableEvent, 'data' | 'metadata'>,
  encodedData: string | undefined,
  encodedMetadata: string,
  prevHash: string | null,
): string {
  // canonicalJson of {id, stream, revision, type, schemaVersion, data, metadata without its links, prevHash},
  // written member by member in sorted key order rather than built as an object, copied and sorted: with
  // canonicalJson above, 5.4 µs per API key event against 7.1 (sha-256 itself is about 1).
  let encoded = member('', '"data"', encodedData);
  encoded = member(encoded, '"id"', encodedField(event.id));
  encoded = member(encoded, '"metadata"', encodedMetadata);
  encoded = member(encoded, '"prevHash"', encodedField(prevHash));
  encoded = member(encoded, '"revision"', encodedField(event.revision));
  encoded = member(encoded, '"schemaVersion"', encodedField(event.schemaVersion));
  encoded = member(encoded, '"stream"', encodedField(event.stream));
  encoded = member(encoded, '"type"', encodedField(event.type));
  return hash('sha256', `{${encoded}}`, 'hex');
}

/** An event of `chainedHashes`: its fields and its data and metadata already encoded, as for `eventHashOfEncoded`. */
export interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly encodedData: string | undefined;
  readonly encodedMetadata: string;
}

/** Strings JSON.stringify writes as themselves between quotes: nothing in them to escape. */
const NOTHING_TO_ESCAPE = /^[\w.:@/-]*$/;

const jsonString = (value: string): string => (NOTHING_TO_ESCAPE.test(value) ? `"${value}"` : JSON.stringify(value));

/**
 * `eventHashOfEncoded` of consecutive events of `stream` from revision `firstRevision` (an integer),
 * each chained to the hash before it, the first to `prevHash`: the same hashes, the same texts hashed,
 * written with less work. One template per event instead of a member at a time; the members after the
 * revision (schema version, stream, type) one text per run of events of one type and schema version;
 * the hashes made here (hex) and the revisions written as they are, and an id or a type quoted without
 * JSON.stringify when nothing in it needs escaping (a call into the runtime each, a quarter of a µs).
 * A 100-event append of API key events: 2.2 µs per event against 4.0, of which sha-256 is about 1
 * (interleaved batches, 2 cores at load 2-3).
 */
export function chainedHashes(stream: string, firstRevision: number, prevHash: string | null, events: readonly EncodedEvent[]): string[] {
  const hashes: string[] = new Array<string>(events.length);
  const streamJson = jsonString(stream);
  let previous = prevHash === null ? 'null' : jsonString(prevHash);
  let suffixType: string | undefined;
  let suffixVersion: number | undefined;
  let suffix = '';
  for (let index = 0; index < events.length; index++) {
    const { id, type, schemaVersion, encodedData, encodedMetadata } = events[index];
    if (index === 0 || type !== suffixType || schemaVersion !== suffixVersion) {
      suffixType = type;
      suffixVersion = schemaVersion;
      suffix = `,"schemaVersion":${JSON.stringify(schemaVersion)},"stream":${streamJson},"type":${jsonString(type)}}`;
    }
    const start = encodedData === undefined ? '{' : `{"data":${encodedData},`;
    const eventHash = hash(
      'sha256',
      `${start}"id":${jsonString(id)},"metadata":${encodedMetadata},"prevHash":${previous},"revision":${firstRevision + index}${suffix}`,
      'hex',
    );
    hashes[index] = eventHash;
    previous = `"${eventHash}"`;
  }
  return hashes;
}

/**
 * Whether `value` reads back from its JSON as itself: strings, finite numbers, booleans, null, arrays
 * without holes and plain objects of those, nothing undefined. Then its JSON needs no parse to know
 * what will be stored (JSON.parse of a usage event's 50 records was 8% of the api's CPU). `sorted`
 * when, besides, its object keys are in order at every depth: then its JSON.stringify text is its
 * canonical encoding, and a store that stringifies it anyway need not encode it again (canonicalJson
 * of an API key event's data: about 1 µs of the 15-18 µs of client CPU per event of a 100-event append).
 */
export function plainJsonOrder(value: unknown): 'sorted' | 'unsorted' | undefined {
  if (isPlainScalar(value)) return 'sorted';
  if (typeof value !== 'object') return undefined;
  let order: 'sorted' | 'unsorted' = 'sorted';
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item = plainJsonOrder(value[index]);
      if (item === undefined) return undefined;
      if (item === 'unsorted') order = item;
    }
    return order;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  let previous: string | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return undefined;
    const member = plainJsonOrder((value as Record<string, unknown>)[key]);
    if (member === undefined) return undefined;
    if (member === 'unsorted' || (previous !== undefined && !(previous < key))) order = 'unsorted';
    previous = key;
  }
  return order;
}

export const isPlainJson = (value: unknown): boolean => plainJsonOrder(value) !== undefined;

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
