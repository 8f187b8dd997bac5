export interface RefreshingCacheOptions {
  /** Served without a second thought while younger than this. */
  readonly freshMs: number;
  /**
   * Between `freshMs` and this age an entry is still served while it is reloaded in the background
   * (and kept if the reload fails); past it, it is never served. This is the bound on how long a
   * missed invalidation can last.
   */
  readonly maxAgeMs: number;
  readonly maxEntries: number;
}

interface Entry<V> {
  readonly value: V;
  readonly loadedAt: number;
}

interface Load<V> {
  readonly promise: Promise<V>;
  superseded: boolean;
}

/**
 * An in-memory map from id to a value loaded from a consistent source, with event-driven
 * invalidation and an age bound as the backstop. `get` answers synchronously when it can (the hot
 * path), and with a promise when it must load. Concurrent misses for one id share one load; a load
 * that an invalidation overtook is answered to its callers but not kept.
 */
export class RefreshingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loads = new Map<string, Load<V>>();

  constructor(
    private readonly load: (id: string) => Promise<V>,
    private readonly options: RefreshingCacheOptions,
    /** Monotonic milliseconds: cache ages are real elapsed time, whatever the domain clock says. */
    private readonly elapsedMs: () => number = () => performance.now(),
  ) {}

  get(id: string): V | Promise<V> {
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      const age = this.elapsedMs() - entry.loadedAt;
      if (age < this.options.freshMs) return entry.value;
      if (age < this.options.maxAgeMs) {
        this.startLoad(id).promise.catch(() => undefined);
        return entry.value;
      }
      this.entries.delete(id);
    }
    return this.startLoad(id).promise;
  }

  invalidate(id: string): void {
    this.entries.delete(id);
    const load = this.loads.get(id);
    if (load !== undefined) {
      load.superseded = true;
      this.loads.delete(id);
    }
  }

  clear(): void {
    this.entries.clear();
    for (const load of this.loads.values()) load.superseded = true;
    this.loads.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private startLoad(id: string): Load<V> {
    const running = this.loads.get(id);
    if (running !== undefined) return running;
    const startedAt = this.elapsedMs();
    const load: Load<V> = {
      superseded: false,
      promise: this.load(id).then(
        (value) => {
          if (this.loads.get(id) === load) this.loads.delete(id);
          if (!load.superseded) this.keep(id, { value, loadedAt: startedAt });
          return value;
        },
        (error: unknown) => {
          if (this.loads.get(id) === load) this.loads.delete(id);
          throw error;
        },
      ),
    };
    this.loads.set(id, load);
    return load;
  }

  private keep(id: string, entry: Entry<V>): void {
    this.entries.delete(id);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(id, entry);
  }
}
