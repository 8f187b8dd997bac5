import { RefreshingCache, RefreshingCacheOptions } from '@app/api-keys';
import { EventStore } from '@app/event-store';
import { LogFollower } from '@app/projections';
import { AccountEventType, AccountStates } from '@app/identity';

const CLOSURE_EVENT_TYPES = [AccountEventType.Closed, AccountEventType.Reopened, AccountEventType.Erased];

/** As fresh as key verification: the log keeps entries current; the age bound backs it up. */
export const closedAccountsCacheOptions: RefreshingCacheOptions = { freshMs: 30_000, maxAgeMs: 55_000, maxEntries: 200_000 };

interface Waiter {
  resolve(closed: boolean): void;
  reject(error: unknown): void;
}

/**
 * Whether an account is closed (or erased), for usage ingestion: usage of a closed account is refused
 * (`account_closed`) from the instant its `account.closed` is appended. Answered from memory per
 * account, loaded from the account's stream on a miss (`AccountStates`, a consistent read), and
 * dropped on every closure, reopening or erasure this instance sees in the global log; if that
 * subscription fails, everything is dropped and it resubscribes from the last position seen.
 */
export class ClosedAccounts {
  private readonly closed: RefreshingCache<boolean>;
  private readonly follower: LogFollower;
  private waiting?: Map<string, Waiter[]>;

  constructor(
    store: EventStore,
    private readonly accounts: AccountStates,
    onError?: (message: string, error: Error) => void,
    options: RefreshingCacheOptions = closedAccountsCacheOptions,
  ) {
    this.closed = new RefreshingCache((accountId) => this.loadSoon(accountId), options);
    this.follower = new LogFollower(store, {
      name: 'closed accounts',
      typePrefixes: CLOSURE_EVENT_TYPES,
      onEvent: (event) => {
        if (event.metadata.accountId) this.closed.invalidate(event.metadata.accountId);
      },
      onGap: () => this.closed.clear(),
      onError,
      resubscribeDelayMs: 1_000,
    });
  }

  /**
   * Misses of one tick (the accounts of one usage batch) are loaded together, in one read where the
   * store batches reads: a batch over 20 new accounts took 20 reads before its ledgers were written.
   */
  private loadSoon(accountId: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      if (!this.waiting) {
        const waiting = new Map<string, Waiter[]>();
        this.waiting = waiting;
        queueMicrotask(() => {
          this.waiting = undefined;
          void this.loadAll(waiting);
        });
      }
      const waiters = this.waiting.get(accountId);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(accountId, [{ resolve, reject }]);
    });
  }

  private async loadAll(waiting: ReadonlyMap<string, readonly Waiter[]>): Promise<void> {
    const accountIds = [...waiting.keys()];
    try {
      const states = await this.accounts.loadMany(accountIds);
      states.forEach((state, index) => {
        const closed = state.exists && (state.closure !== null || state.erasedAt !== null);
        for (const waiter of waiting.get(accountIds[index])!) waiter.resolve(closed);
      });
    } catch (error) {
      for (const waiters of waiting.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }

  /** Synchronous when the account is in memory. */
  isClosed(accountId: string): boolean | Promise<boolean> {
    return this.closed.get(accountId);
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }
}
