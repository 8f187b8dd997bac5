import {
  AppendResult,
  ChainedMetadata,
  EventData,
  EventHandler,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StreamRead,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { UpcasterRegistry } from '../upcasting';
import { DataKey, DataKeyStore } from './data-keys';
import { leavesAtPath, PersonalFieldCatalog, PersonalFieldInClearError, undeclaredPersonalFields } from './personal-fields';
import {
  ERASED,
  isEventSeal,
  isSealed,
  isSealedPlaceholder,
  isSealedValue,
  openEntries,
  openValue,
  placeholderIndex,
  SealedEntry,
  sealedKeyId,
  sealedPlaceholder,
  sealEntries,
} from './sealed-value';

/** The key a sealed value names (null: gone). */
type KeyLookup = (keyId: string) => Buffer | null;

const NOTHING_SEALED_BEFORE: ReadonlySet<string> = new Set();

/** Metadata fields personal for every event type. */
const PERSONAL_METADATA = ['ip', 'userAgent'] as const;

/** An event declares personal fields but names no account whose key could seal them. */
export class PersonalDataWithoutAccountError extends Error {
  readonly code = 'personal_data_without_account' as const;

  constructor(readonly type: string) {
    super(`event ${type} carries personal fields but names no account (metadata.accountId or data.accountId) to seal them under`);
  }
}

/**
 * An event's stored form is not what the seam writes: a placeholder `sealed:v2:<n>` without
 * `metadata.sealed` or the reverse, placeholders that do not match the seal, or a seal that does not open
 * as this event's (altered, or copied from another event).
 */
export class SealedFieldsIntegrityError extends Error {
  readonly code = 'sealed_fields_integrity' as const;

  constructor(
    readonly eventId: string,
    readonly reason: string,
  ) {
    super(`event ${eventId}: ${reason}`);
  }
}

/** The v1 values of the data (each sealed on its own), for looking up the keys they name. */
function collectSealed(value: unknown, into: string[]): void {
  if (typeof value === 'string') {
    if (isSealedValue(value)) into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectSealed(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) collectSealed((value as Record<string, unknown>)[key], into);
  }
}

/** `path === pathOf(parent, name)` without building the path (comparing a concatenation first flattens it). */
function isPathOf(path: string, parent: string, name: string | undefined): boolean {
  if (name === undefined) return path === parent;
  return (
    path.length === parent.length + 1 + name.length &&
    path.charCodeAt(parent.length) === 46 &&
    path.startsWith(parent) &&
    path.endsWith(name)
  );
}

const pathOf = (parent: string, name: string | undefined): string => (name === undefined ? parent : `${parent}.${name}`);

/** Where the walk of a read starts: the paths a v2 seal records are `data.<catalog path>` and `metadata.ip`. */
const DATA_ROOT = 'data';
const METADATA_ROOT = 'metadata';

/** What the seam keeps of one event's v2 seal once opened. */
interface OpenedSeal {
  readonly sealed: string;
  readonly entries: readonly SealedEntry[];
}

interface SealOpener {
  openSeal(reading: EventReading): readonly SealedEntry[];
  reveal(value: string, key: Buffer): unknown;
  readonly opened: ReadonlyMap<string, unknown>;
}

/** A v2 placeholder read later: its value is only known once the seal is opened. */
const NOT_YET: unique symbol = Symbol('opened when read');

/** Whether `text` is a sealed form; the first character tells most strings apart (`sealed:v1:`, `sealed:v2:`). */
const mayBeSealed = (text: string): boolean => text.charCodeAt(0) === 115 && isSealed(text);
const isSealedText = (value: unknown): value is string => typeof value === 'string' && mayBeSealed(value);
const isPersonalMetadata = (key: string): boolean => (PERSONAL_METADATA as readonly string[]).includes(key);
function hasSealedPersonalMetadata(metadata: Record<string, unknown>): boolean {
  for (const field of PERSONAL_METADATA) if (isSealedText(metadata[field])) return true;
  return false;
}

/**
 * One read of one event: the keys as this read found them and the event's v2 seal, if it has one, its
 * values opened with one decipher when the first placeholder is read (or known from an earlier read). A
 * placeholder is only what the seal says it is: text shaped like one (`sealed:v2:<n>`) at a place the
 * seal does not name for n is somebody's text and reads as itself. An api key named `sealed:v2:0`, or a
 * User-Agent header of that shape sealed as a value, would otherwise be an integrity error on every read
 * of its event, and every projection would stall on it. What a forged stored form can do is read as its
 * own text; the hash chain tells it apart.
 */
class EventReading {
  constructor(
    readonly eventId: string,
    /** The event's `metadata.sealed` (undefined: none, placeholder-shaped text reads as itself). */
    readonly sealed: string | undefined,
    /** null: the key is gone, every placeholder reads `"[erased]"`. */
    readonly key: Buffer | null,
    private entries: readonly SealedEntry[] | undefined,
    private readonly lookup: KeyLookup,
    private readonly store: SealOpener,
  ) {}

  /**
   * What sealed `text` (v1 value or v2 placeholder) found at `parent`.`name` reads as when it is known
   * now (`"[erased]"` once its key is gone, or opened before); else a function that opens it (v1: its key
   * as this read found it; event data is JSON, never a function itself) or `NOT_YET` (v2: `later` opens it).
   */
  now(text: string, parent: string, name: string | undefined): unknown {
    if (isSealedValue(text)) {
      const key = this.lookup(sealedKeyId(text)!);
      if (!key) return ERASED;
      const known = this.store.opened.get(text);
      return known !== undefined ? known : () => this.store.reveal(text, key);
    }
    // Text of a placeholder's shape in an event without a seal: nothing was sealed, it is the text.
    if (this.sealed === undefined) return text;
    if (!this.key) return ERASED;
    return this.entries !== undefined ? this.valueAt(text, parent, name) : NOT_YET;
  }

  /** What placeholder `text` at `parent`.`name` reads as, opening the seal if need be. */
  valueAt(text: string, parent: string, name: string | undefined): unknown {
    this.entries ??= this.store.openSeal(this);
    const entry = this.entries[placeholderIndex(text)!];
    return entry !== undefined && isPathOf(entry[0], parent, name) ? entry[1] : text;
  }

  /** `now`, opening what is not known yet: for values in arrays, which get no getter. */
  openNow(text: string, parent: string, name: string | undefined): unknown {
    const value = this.now(text, parent, name);
    if (value === NOT_YET) return this.valueAt(text, parent, name);
    return typeof value === 'function' ? (value as () => unknown)() : value;
  }
}

/**
 * The sealed values of one object read through the seam not opened yet: a v2 placeholder's text (opened
 * through `reading`), a v1 value's opener, or `{ value }` once known. The placeholder's own text, not a
 * closure over the event's reading per value: one object per copy holds what its getters need.
 */
type Slot = string | (() => unknown) | { readonly value: unknown };
class Unopened {
  readonly slots: Record<string, Slot> = {};

  constructor(
    readonly reading: EventReading,
    readonly path: string,
  ) {}
}

/** A base class whose constructor returns the object it is given, so a subclass's fields go onto that object. */
class Returning {
  constructor(target: object) {
    return target as Returning;
  }
}

/**
 * Attaches an `Unopened` to a copy as a private field: invisible to copies, JSON, `Object.keys` and
 * symbol listings, and the copy stays a plain object. A non-enumerable symbol property did the same
 * with an `Object.defineProperty` call, the dearest step of the read (perf: defineProperty 40% of
 * openCached); the field is a plain store: seam CPU of a warm read, fields not read, 1.42 against 1.72 µs
 * per event (seam-micro, 2026-12-04).
 */
class UnopenedOf extends Returning {
  #unopened: Unopened;

  private constructor(target: object, unopened: Unopened) {
    super(target);
    this.#unopened = unopened;
  }

  static attach(target: object, unopened: Unopened): void {
    new UnopenedOf(target, unopened);
  }

  static of(target: object): Unopened | undefined {
    return #unopened in target ? (target as UnopenedOf).#unopened : undefined;
  }

  /** For the getters, only ever on a copy that has one. */
  static in(target: object): Unopened {
    return (target as UnopenedOf).#unopened;
  }
}

/**
 * One getter and setter per field name, shared by every object that defers it: with a closure per
 * value the deferring cost about 4x as much (1.9 against 0.5 µs for the two of a metadata object).
 */
const openOnRead = new Map<string, PropertyDescriptor>();
function openOnReadDescriptor(key: string): PropertyDescriptor {
  let descriptor = openOnRead.get(key);
  if (descriptor) return descriptor;
  descriptor = {
    enumerable: true,
    configurable: true,
    get(this: object): unknown {
      const unopened = UnopenedOf.in(this);
      const slot = unopened.slots[key];
      if (typeof slot === 'object') return slot.value;
      const value = typeof slot === 'string' ? unopened.reading.valueAt(slot, unopened.path, key) : slot();
      unopened.slots[key] = { value };
      return value;
    },
    set(this: object, value: unknown): void {
      UnopenedOf.in(this).slots[key] = { value };
    },
  };
  if (openOnRead.size < 10_000) openOnRead.set(key, descriptor);
  return descriptor;
}

/**
 * Adds `key` to `target` (the copy at `path` being built) as a getter that opens `slot` when first read,
 * and kept: a reader of the log (a projection) reads few of the personal fields.
 */
function defineOpenedOnRead(target: Record<string, unknown>, key: string, slot: Slot, reading: EventReading, path: string): void {
  let unopened = UnopenedOf.of(target);
  if (!unopened) UnopenedOf.attach(target, (unopened = new Unopened(reading, path)));
  unopened.slots[key] = slot;
  Object.defineProperty(target, key, openOnReadDescriptor(key));
}

/**
 * `value` with every sealed string opened; the very same object when it holds none. A sealed property
 * of an object that is not known yet opens when it is first read; one in an array opens here.
 */
function openSealed(value: unknown, reading: EventReading, parent: string, name: string | undefined): unknown {
  if (typeof value === 'string') return mayBeSealed(value) ? reading.openNow(value, parent, name) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const replaced = openSealed(value[index], reading, parent, name);
      if (replaced !== value[index]) (copy ??= [...(value as unknown[])])[index] = replaced;
    }
    return copy ?? value;
  }
  return openProperties(value as Record<string, unknown>, reading, pathOf(parent, name));
}

/**
 * `record` (at `path`) with its sealed properties opened, or the very same record. The copy is built
 * key by key, a deferred value added as a getter: turning a copied value into a getter afterwards (or
 * deleting a property) makes V8 keep the object as a dictionary, several times slower to make.
 */
function openProperties(record: Record<string, unknown>, reading: EventReading, path: string): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    const inner = record[key];
    let opened: unknown;
    if (typeof inner === 'string') opened = mayBeSealed(inner) ? reading.now(inner, path, key) : inner;
    else opened = inner !== null && typeof inner === 'object' ? openSealed(inner, reading, path, key) : inner;
    if (!copy) {
      if (opened === inner) continue;
      copy = {};
      for (const before in record) {
        if (before === key) break;
        copy[before] = record[before];
      }
    }
    addOpened(copy, key, inner, opened, reading, path);
  }
  return copy ?? record;
}

function addOpened(copy: Record<string, unknown>, key: string, inner: unknown, opened: unknown, reading: EventReading, path: string): void {
  if (opened === NOT_YET) defineOpenedOnRead(copy, key, inner as string, reading, path);
  else if (typeof opened === 'function' && typeof inner === 'string') defineOpenedOnRead(copy, key, opened as () => unknown, reading, path);
  else copy[key] = opened;
}

/**
 * The metadata as readers see it: `ip` / `userAgent` opened (nothing else of it is ever sealed, and
 * nothing walked into) and without `sealed`; the very same object when there is nothing to do.
 */
function openMetadata(record: Record<string, unknown>, reading: EventReading): Record<string, unknown> {
  const omit = reading.sealed !== undefined;
  if (!omit && !hasSealedPersonalMetadata(record)) return record;
  const copy: Record<string, unknown> = {};
  for (const key in record) {
    const inner = record[key];
    if (key === 'sealed' && omit) continue;
    if (isPersonalMetadata(key) && isSealedText(inner)) {
      addOpened(copy, key, inner, reading.now(inner, METADATA_ROOT, key), reading, METADATA_ROOT);
    } else {
      copy[key] = inner;
    }
  }
  return copy;
}

/**
 * `options` with `metadata.sealed` among the metadata fields read wherever a value read may be a
 * placeholder that only the seal opens: anywhere in the data, and metadata `ip` / `userAgent`. Left out,
 * the placeholders would read as their own text (an event without a seal sealed nothing).
 */
function withSealWhereNeeded(options: ReadAllOptions): ReadAllOptions {
  const fields = options.metadataFields;
  if (fields === undefined || fields.includes('sealed')) return options;
  const readsPlaceholders = !options.omitData || fields.some((field) => isPersonalMetadata(field));
  return readsPlaceholders ? { ...options, metadataFields: [...fields, 'sealed'] } : options;
}

/**
 * The account whose key seals an event: `metadata.accountId`, else a string `data.accountId` (streams
 * shared across accounts, like the per-email sign-in guard, name the account in their data).
 */
export function ownerOf(event: Pick<NewEvent, 'data' | 'metadata'>): string | undefined {
  if (event.metadata.accountId) return event.metadata.accountId;
  return typeof event.data.accountId === 'string' && event.data.accountId !== '' ? event.data.accountId : undefined;
}

const splitPaths = new Map<string, readonly string[]>();
function segmentsOf(path: string): readonly string[] {
  let segments = splitPaths.get(path);
  if (!segments) {
    segments = path.split('.');
    splitPaths.set(path, segments);
  }
  return segments;
}

/**
 * The erasure seam, in front of any `EventStore`: at append, the declared personal fields of the data
 * and `metadata.ip` / `metadata.userAgent` are sealed with the data key of `metadata.accountId`
 * (AES-256-GCM; see `ownerOf`) before the inner store hashes and stores the event, so the hash chain covers the sealed
 * form and destroying the key later rewrites nothing. They are sealed together (format v2): one value in
 * `metadata.sealed`, each field replaced by a placeholder `sealed:v2:<n>`; events of format v1 (each field
 * its own `sealed:v1:` value) read as before. Every read and subscription opens them again (and leaves
 * `metadata.sealed` out); once the key is destroyed they read `"[erased]"`. `raw` reads return the stored (sealed) form.
 * A text field whose name looks personal but is not declared is refused (`PersonalFieldInClearError`).
 * Events of no account keep their `ip` / `userAgent` as written (a sign-in attempt on an unknown email).
 */
export class PersonalDataEventStore implements EventStore {
  readonly lastCommittedPosition?: () => Promise<bigint>;
  readonly readPositions?: (positions: readonly bigint[], options?: { readonly raw?: boolean }) => Promise<RecordedEvent[]>;
  readonly appendToStreams?: (appends: readonly StreamAppend[]) => Promise<AppendResult[]>;
  readonly readStreams?: (reads: readonly StreamRead[], options?: { readonly raw?: boolean }) => Promise<RecordedEvent[][]>;

  private readonly upcasters: UpcasterRegistry;
  /**
   * Values already opened, by sealed form (bounded, oldest out first): streams are read again at every
   * command and the log by every subscriber. Only used while the value's key is still there.
   */
  private readonly opened = new Map<string, unknown>();
  /**
   * The same for v2 seals, by event id, served only to the very same `metadata.sealed`. Keyed by the
   * seal itself, hashing that 300-character string at every read cost 0.3 µs per event: seam CPU of a
   * warm 20-event stream read, fields not read, 2.5 µs per event against 2.2 for v1; by id, 2.14.
   */
  private readonly openedSeals = new Map<string, OpenedSeal>();
  private readonly openedLimit: number;
  private readonly plans = new Map<string, SealingPlan>();

  /**
   * `inner` must not upcast (give it no upcasters): upcasting happens here, after opening. Its
   * subscriptions and `readAll` then deliver stored events, which this store opens and upcasts.
   */
  constructor(
    private readonly inner: EventStore,
    private readonly catalog: PersonalFieldCatalog,
    private readonly keys: DataKeyStore,
    upcasters?: UpcasterRegistry,
    options: { readonly openedValuesKept?: number } = {},
  ) {
    this.upcasters = upcasters ?? new UpcasterRegistry();
    this.openedLimit = options.openedValuesKept ?? 20_000;
    if (inner.lastCommittedPosition) this.lastCommittedPosition = () => inner.lastCommittedPosition!();
    if (inner.readPositions) {
      this.readPositions = async (positions, options = {}) => {
        const events = await inner.readPositions!(positions, { raw: true });
        return options.raw ? events : this.openAll(events);
      };
    }
    if (inner.appendToStreams) {
      this.appendToStreams = async (appends) => {
        const sealed: StreamAppend[] = [];
        for (const append of appends) {
          const events = this.sealEvents(append.events);
          sealed.push({ ...append, events: Array.isArray(events) ? events : await events });
        }
        return inner.appendToStreams!(sealed);
      };
    }
    if (inner.readStreams) {
      this.readStreams = async (reads, options = {}) => {
        const lists = await inner.readStreams!(reads, { raw: true });
        return options.raw ? lists : Promise.all(lists.map((events) => this.openAll(events)));
      };
    }
  }

  get name(): string {
    return this.inner.name;
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const sealed = this.sealEvents(events);
    return this.inner.append(stream, Array.isArray(sealed) ? sealed : await sealed, expected);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events = await this.inner.readStream(stream, { ...options, raw: true });
    return options.raw ? events : this.openAll(events);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const events = await this.inner.readAll(options && withSealWhereNeeded(options));
    // Delivered without data, they stay at their stored schema (see `ReadAllOptions.omitData`).
    return options?.omitData ? this.openAll(events, false) : this.openAll(events);
  }

  headPosition(): Promise<bigint> {
    return this.inner.headPosition();
  }

  subscribeToAll(options: SubscribeOptions, handler: EventHandler): Subscription {
    return this.inner.subscribeToAll(options, async (event) => handler(await this.openAndUpcast(event)));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * The event with every sealed value opened (or `"[erased]"` once its key is gone), found wherever it
   * sits in the data, so it does not matter which schema version declared it: upcasters then see plain
   * values. For events read raw, e.g. an export; normal reads and subscriptions do this themselves.
   */
  async open<E extends RecordedEvent>(event: E): Promise<E> {
    return this.openWith(event, await this.lookupFor([event]));
  }

  /**
   * Warm reads (every key named is cached) open each event in one walk with no promise per key; a read
   * naming a key not cached looks the missing ones up in one batch and opens again.
   */
  private async openAll(events: RecordedEvent[], upcast = true): Promise<RecordedEvent[]> {
    const warm = this.openCached(events, upcast);
    if (warm) return warm;
    const lookup = await this.lookupFor(events);
    return events.map((event) => (upcast ? this.upcasters.apply(this.openWith(event, lookup)) : this.openWith(event, lookup)));
  }

  private openCached(events: readonly RecordedEvent[], upcast: boolean): RecordedEvent[] | undefined {
    const peek = this.keys.peekKey?.bind(this.keys);
    if (!peek) return undefined;
    let missing = false;
    let lastId: string | undefined;
    let lastKey: Buffer | null = null;
    const lookup: KeyLookup = (keyId) => {
      if (keyId === lastId) return lastKey;
      const key = peek(keyId);
      if (key === undefined) {
        missing = true;
        return null;
      }
      lastId = keyId;
      lastKey = key;
      return key;
    };
    const opened: RecordedEvent[] = [];
    for (const event of events) {
      const open = this.openWith(event, lookup);
      if (missing) return undefined;
      opened.push(upcast ? this.upcasters.apply(open) : open);
    }
    return opened;
  }

  private async openAndUpcast(event: RecordedEvent): Promise<RecordedEvent> {
    return this.upcasters.apply(await this.open(event));
  }

  /** The keys (null: gone) that the events' sealed values name: none looked up when cached, else one batch. */
  private async lookupFor(events: readonly Pick<NewEvent, 'data' | 'metadata'>[]): Promise<KeyLookup> {
    const keys = new Map<string, Buffer | null>();
    const sealed: string[] = [];
    for (const event of events) {
      collectSealed(event.data, sealed);
      for (const field of PERSONAL_METADATA) if (isSealedValue(event.metadata[field])) sealed.push(event.metadata[field]);
      if (isEventSeal(event.metadata.sealed)) sealed.push(event.metadata.sealed);
    }
    let missing: Set<string> | undefined;
    for (const value of sealed) {
      const keyId = sealedKeyId(value)!;
      if (keys.has(keyId) || missing?.has(keyId)) continue;
      const key = this.keys.peekKey?.(keyId);
      if (key === undefined) (missing ??= new Set()).add(keyId);
      else keys.set(keyId, key);
    }
    if (missing) {
      if (this.keys.keysById) {
        for (const [keyId, key] of await this.keys.keysById([...missing])) keys.set(keyId, key);
      } else {
        for (const keyId of missing) keys.set(keyId, await this.keys.keyById(keyId));
      }
    }
    return (keyId) => keys.get(keyId) ?? null;
  }

  /**
   * The very same event when nothing in it is sealed (no copy, no per-field work beyond the walk). The
   * keys are looked up here, so what reads as erased is decided at the read. A value opened before is
   * set at once; any other opens when it is first read: an AES-GCM decipher costs several times what
   * the property that defers it does, and a reader of the log (a projection, a reaction) reads few
   * personal fields. Values never read do not push the ones read out of the bounded `opened`.
   */
  private openWith<E extends RecordedEvent>(event: E, lookup: KeyLookup): E {
    const reading = this.readingOf(event, lookup);
    const data = openSealed(event.data, reading, DATA_ROOT, undefined);
    const metadata = openMetadata(event.metadata as unknown as Record<string, unknown>, reading);
    if (data === event.data && metadata === (event.metadata as unknown)) return event;
    return { ...event, data: data as EventData, metadata: metadata as unknown as ChainedMetadata };
  }

  /** How this read sees the event's seals: its v2 seal's key as this read found it, its values if opened before. */
  private readingOf(event: RecordedEvent, lookup: KeyLookup): EventReading {
    const sealed: unknown = event.metadata.sealed;
    if (sealed === undefined) return new EventReading(event.id, undefined, null, undefined, lookup, this.sealOpener);
    if (!isEventSeal(sealed)) throw new SealedFieldsIntegrityError(event.id, 'metadata.sealed is not a sealed value');
    const key = lookup(sealedKeyId(sealed)!);
    const known = key ? this.openedSeals.get(event.id) : undefined;
    return new EventReading(event.id, sealed, key, known?.sealed === sealed ? known.entries : undefined, lookup, this.sealOpener);
  }

  /** Opens a seal (one decipher) and keeps its values for the next reads of the event. */
  private readonly sealOpener: SealOpener = {
    openSeal: (reading) => this.openSeal(reading),
    reveal: (value, key) => this.reveal(value, key),
    opened: this.opened,
  };

  private openSeal(seal: EventReading): readonly SealedEntry[] {
    let entries: SealedEntry[];
    try {
      entries = openEntries(seal.key!, seal.sealed!, seal.eventId);
    } catch {
      throw new SealedFieldsIntegrityError(seal.eventId, 'metadata.sealed does not open as the seal of this event under its key');
    }
    this.openedSeals.set(seal.eventId, { sealed: seal.sealed!, entries });
    if (this.openedSeals.size > this.openedLimit) this.openedSeals.delete(this.openedSeals.keys().next().value as string);
    return entries;
  }

  private reveal(value: string, key: Buffer): unknown {
    const known = this.opened.get(value);
    if (known !== undefined) return known;
    // Text shaped like a v1 value that does not open under the key it names is somebody's text (an api key
    // named `sealed:v1:<a real key id>:...`; key ids show in every exported stored form), read as itself
    // as a lookalike v2 placeholder is (see EventReading): a throw would stall every projection reading it.
    let plain: unknown;
    try {
      plain = openValue(key, value);
    } catch {
      plain = value;
    }
    this.opened.set(value, plain);
    if (this.opened.size > this.openedLimit) this.opened.delete(this.opened.keys().next().value as string);
    return plain;
  }

  /** Those of the v1-shaped `values` of `event` that open under the key they name: values this seam sealed. */
  private async sealedBefore(event: NewEvent, values: readonly string[]): Promise<ReadonlySet<string>> {
    const lookup = await this.lookupFor([event]);
    const sealed = new Set<string>();
    for (const value of values) {
      const key = lookup(sealedKeyId(value)!);
      if (key && this.opensUnder(key, value)) sealed.add(value);
    }
    return sealed;
  }

  private opensUnder(key: Buffer, value: string): boolean {
    try {
      openValue(key, value);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The event as it will be stored: declared personal fields and metadata ip/userAgent sealed together
   * under its account's key into `metadata.sealed`, each replaced by its placeholder (or `"[erased]"`
   * once that key is gone). Values already sealed stay as they are (a v1 value that opens under its key;
   * the placeholders of an event sealed before, as the history migration passes them again).
   */
  async sealEvent(event: NewEvent): Promise<NewEvent> {
    const scan = this.scanForSealing(event);
    const historic = scan.v1Shaped === undefined ? NOTHING_SEALED_BEFORE : await this.sealedBefore(event, scan.v1Shaped);
    const asIs = this.keptAsIs(event, scan, historic);
    if (asIs) return asIs;
    return this.sealWith(event, scan, await this.keys.keyOfAccount(scan.owner!), historic);
  }

  /**
   * `sealEvent` without a promise, when all it takes is at hand (no value shaped like a v1 seal, whose key
   * would be looked up, and the account's key cached); else undefined. A warm append then goes to the
   * inner store with no await of its own.
   */
  private sealNow(event: NewEvent): NewEvent | undefined {
    const scan = this.scanForSealing(event);
    if (scan.v1Shaped !== undefined) return undefined;
    const asIs = this.keptAsIs(event, scan, NOTHING_SEALED_BEFORE);
    if (asIs) return asIs;
    const key = this.keys.peekAccountKey?.(scan.owner!);
    return key === undefined ? undefined : this.sealWith(event, scan, key, NOTHING_SEALED_BEFORE);
  }

  /** The events sealed: at once when each can be (`sealNow`), else from the first that cannot on, with awaits. */
  private sealEvents(events: readonly NewEvent[]): NewEvent[] | Promise<NewEvent[]> {
    const sealed: NewEvent[] = [];
    for (let index = 0; index < events.length; index++) {
      const now = this.sealNow(events[index]);
      if (now === undefined) return this.sealRest(events, index, sealed);
      sealed.push(now);
    }
    return sealed;
  }

  private async sealRest(events: readonly NewEvent[], from: number, sealed: NewEvent[]): Promise<NewEvent[]> {
    for (let index = from; index < events.length; index++) sealed.push(await this.sealEvent(events[index]));
    return sealed;
  }

  /**
   * What sealing the event takes, found without allocating anything per value; a personal-looking text
   * that its type does not declare throws here (`PersonalFieldInClearError`), whatever the type.
   */
  private scanForSealing(event: NewEvent): SealingScan {
    const plan = this.sealingPlan(event.type);
    const undeclared = undeclaredPersonalFields(event.data, plan.paths);
    if (undeclared.length > 0) throw new PersonalFieldInClearError(event.type, undeclared);
    const leaves = new LeafScan();
    for (const segments of plan.segments) scanLeaves(event.data, segments, 0, leaves);
    let hasMetadata = false;
    for (const field of PERSONAL_METADATA) {
      const value = event.metadata[field];
      if (value === undefined || value === null) continue;
      hasMetadata = true;
      if (isSealedValue(value)) (leaves.v1Shaped ??= []).push(value);
    }
    return { plan, owner: ownerOf(event), hasValues: leaves.count > 0, hasMetadata, v1Shaped: leaves.v1Shaped };
  }

  private sealingPlan(type: string): SealingPlan {
    const paths = this.catalog.personalPaths(type);
    if (paths.length === 0) return NO_PERSONAL_PATHS;
    const known = this.plans.get(type);
    if (known?.paths === paths) return known;
    const plan: SealingPlan = { paths, segments: paths.map(segmentsOf), names: paths.map((path) => `${DATA_ROOT}.${path}`) };
    if (this.plans.size >= PLANS_KEPT) this.plans.clear();
    this.plans.set(type, plan);
    return plan;
  }

  /**
   * The very event when it is stored as given: nothing to seal, or (no account) nothing but what the seam
   * sealed before; undefined when it is to be sealed. Personal data of no account is refused.
   */
  private keptAsIs(event: NewEvent, scan: SealingScan, historic: ReadonlySet<string>): NewEvent | undefined {
    if (!scan.hasValues && !(scan.owner !== undefined && scan.hasMetadata)) return event;
    if (scan.owner !== undefined) return undefined;
    const values: unknown[] = [];
    for (const segments of scan.plan.segments) leavesAtPath(event.data, segments, values);
    const alreadySealed = event.metadata.sealed !== undefined;
    if (values.some((value) => !keptAsStored(value, historic, alreadySealed))) throw new PersonalDataWithoutAccountError(event.type);
    return event;
  }

  /** The event with its personal values sealed under `key` (`"[erased]"` when it is gone), see `sealEvent`. */
  private sealWith(event: NewEvent, scan: SealingScan, key: DataKey | null, historic: ReadonlySet<string>): NewEvent {
    const sealing = new Sealing(key, historic, event.metadata.sealed !== undefined);
    let data: unknown = event.data;
    for (let index = 0; index < scan.plan.segments.length; index++) {
      data = concealLeaves(data, scan.plan.segments[index], 0, scan.plan.names[index], sealing);
    }
    const metadata: Record<string, unknown> = { ...event.metadata };
    if (scan.hasMetadata) {
      for (let index = 0; index < PERSONAL_METADATA.length; index++) {
        const value = metadata[PERSONAL_METADATA[index]];
        if (value !== undefined && value !== null) metadata[PERSONAL_METADATA[index]] = sealing.conceal(value, METADATA_PATHS[index]);
      }
    }
    if (sealing.entries.length > 0) {
      if (sealing.alreadySealed) throw new SealedFieldsIntegrityError(event.id, 'values in clear beside a metadata.sealed of its own');
      metadata.sealed = sealEntries(key!.key, key!.id, event.id, sealing.entries);
    }
    return { ...event, data: data as EventData, metadata: metadata as unknown as NewEvent['metadata'] };
  }
}

/** `metadata.ip`, `metadata.userAgent`: the paths a v2 seal records for them. */
const METADATA_PATHS = PERSONAL_METADATA.map((field) => `${METADATA_ROOT}.${field}`);

/** An event type's personal paths as sealing walks them: split, and named as a v2 seal records them. */
interface SealingPlan {
  readonly paths: readonly string[];
  readonly segments: readonly (readonly string[])[];
  readonly names: readonly string[];
}
const NO_PERSONAL_PATHS: SealingPlan = { paths: [], segments: [], names: [] };
/** Plans by event type: the types are few; the bound only keeps a catalog of odd types from growing it. */
const PLANS_KEPT = 10_000;

interface SealingScan {
  readonly plan: SealingPlan;
  readonly owner: string | undefined;
  /** A value sits at one of the type's personal paths. */
  readonly hasValues: boolean;
  /** `metadata.ip` or `metadata.userAgent` is given. */
  readonly hasMetadata: boolean;
  /** The personal values shaped like a v1 sealed value (to be checked against their key), if any. */
  readonly v1Shaped: string[] | undefined;
}

class LeafScan {
  count = 0;
  v1Shaped: string[] | undefined;
}

/** `leavesAtPath` that only counts the leaves and keeps those shaped like a v1 sealed value. */
function scanLeaves(value: unknown, segments: readonly string[], depth: number, into: LeafScan): void {
  if (Array.isArray(value)) {
    for (const item of value) scanLeaves(item, segments, depth, into);
    return;
  }
  if (depth === segments.length) {
    if (value === null || value === undefined) return;
    into.count++;
    if (isSealedValue(value)) (into.v1Shaped ??= []).push(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (segments[depth] in record) scanLeaves(record[segments[depth]], segments, depth + 1, into);
}

/**
 * What the seam wrote before is kept as stored: a v1 value that opens under the key it names (`historic`),
 * and placeholders in an event it sealed (the history migration passes both again). Text of either shape
 * anywhere else is a value like another, and is sealed: kept as written, a personal value shaped like a v1
 * value stayed in clear in the log, and no destroyed key could erase it.
 */
function keptAsStored(value: unknown, historic: ReadonlySet<string>, alreadySealed: boolean): boolean {
  return (typeof value === 'string' && historic.has(value)) || (alreadySealed && isSealedPlaceholder(value));
}

/** One event's sealing: the values gathered for its seal, each replaced by its placeholder. */
class Sealing {
  readonly entries: SealedEntry[] = [];

  constructor(
    private readonly key: DataKey | null,
    private readonly historic: ReadonlySet<string>,
    readonly alreadySealed: boolean,
  ) {}

  /** What `value`, found at `path`, is stored as. */
  conceal(value: unknown, path: string): unknown {
    if (keptAsStored(value, this.historic, this.alreadySealed)) return value;
    if (!this.key) return ERASED;
    this.entries.push([path, value]);
    return sealedPlaceholder(this.entries.length - 1);
  }
}

/**
 * A copy of `value` where the leaves at `segments` from `depth` on (arrays walked element by element) are
 * concealed by `sealing` as fields of `path`; untouched branches are shared, and a missing path leaves the
 * value as it is. No closure per event or path.
 */
function concealLeaves(value: unknown, segments: readonly string[], depth: number, path: string, sealing: Sealing): unknown {
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = concealLeaves(value[index], segments, depth, path, sealing);
    return copy;
  }
  if (depth === segments.length) return value === null || value === undefined ? value : sealing.conceal(value, path);
  if (value === null || typeof value !== 'object') return value;
  const head = segments[depth];
  const record = value as Record<string, unknown>;
  if (!(head in record)) return value;
  return { ...record, [head]: concealLeaves(record[head], segments, depth + 1, path, sealing) };
}
