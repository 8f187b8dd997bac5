/** An account's data key, unwrapped. `id` is what sealed values name. */
export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * Where the data keys live: outside the event log, each wrapped by DATA_ENCRYPTION_KEY. Destroying
 * an account's key is what erases its personal fields from every event at once (crypto-shredding).
 */
export interface DataKeyStore {
  /** The account's key, created on first use; null once it was destroyed (it is never created again). */
  keyOfAccount(accountId: string): Promise<DataKey | null>;
  /** The key a sealed value names; null when it was destroyed or never existed here. */
  keyById(keyId: string): Promise<Buffer | null>;
  /** Optional synchronous look-up of a cached key (undefined: not cached), so warm reads skip a promise. */
  peekKey?(keyId: string): Buffer | null | undefined;
  /**
   * Destroys the account's key for good (idempotent). Resolves to the id of that key, or undefined
   * when the account never had one (a tombstone is kept either way, so none is created later).
   */
  destroy(accountId: string): Promise<string | undefined>;
}

export interface DataKeyCacheOptions {
  /** Unwrapped keys kept in memory (least recently used go first). */
  readonly maxEntries?: number;
  /**
   * How long a cached key (or the fact that it is gone) is trusted. Another process that destroys a
   * key is seen by this one after at most this long; this process's own destroy is seen at once.
   */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

interface Entry<T> {
  readonly value: T;
  readonly until: number;
}

class BoundedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Without touching the order: for the hot read path. */
  peek(key: string): Entry<T> | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > this.now() ? entry : undefined;
  }

  get(key: string): Entry<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.until <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Keeps unwrapped keys in memory, bounded in number and in age, in front of a `DataKeyStore`. */
export class CachedDataKeyStore implements DataKeyStore {
  private readonly byAccount: BoundedCache<DataKey | null>;
  private readonly byId: BoundedCache<Buffer | null>;

  constructor(
    private readonly inner: DataKeyStore,
    options: DataKeyCacheOptions = {},
  ) {
    const maxEntries = options.maxEntries ?? 10_000;
    const ttlMs = options.ttlMs ?? 60_000;
    const now = options.now ?? Date.now;
    this.byAccount = new BoundedCache(maxEntries, ttlMs, now);
    this.byId = new BoundedCache(maxEntries, ttlMs, now);
  }

  async keyOfAccount(accountId: string): Promise<DataKey | null> {
    const cached = this.byAccount.get(accountId);
    if (cached) return cached.value;
    const key = await this.inner.keyOfAccount(accountId);
    this.byAccount.set(accountId, key);
    if (key) this.byId.set(key.id, key.key);
    return key;
  }

  async keyById(keyId: string): Promise<Buffer | null> {
    const cached = this.byId.get(keyId);
    if (cached) return cached.value;
    const key = await this.inner.keyById(keyId);
    this.byId.set(keyId, key);
    return key;
  }

  /** The cached key of `keyId` (null: known to be gone), or undefined when it must be loaded. */
  peekKey(keyId: string): Buffer | null | undefined {
    return this.byId.peek(keyId)?.value;
  }

  async destroy(accountId: string): Promise<string | undefined> {
    const keyId = await this.inner.destroy(accountId);
    this.byAccount.set(accountId, null);
    if (keyId !== undefined) this.byId.set(keyId, null);
    return keyId;
  }
}
