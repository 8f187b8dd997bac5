import { EventStore, RecordedEvent, Subscription } from '@app/event-store';

export interface LogFollowerOptions {
  /** The event types it follows (prefixes, as `subscribeToAll` takes them). */
  readonly typePrefixes: readonly string[];
  /** Top-level fields of the events' data `onEvent` never reads (see `SubscribeOptions.omitDataFields`). */
  readonly omitDataFields?: readonly string[];
  /** Keeps what the caller holds in memory current; called once per matching event, in log order. */
  readonly onEvent: (event: RecordedEvent) => void;
  /**
   * The subscription failed: events may be missed until it resumes, so drop everything the log was
   * keeping current (it is loaded again from the streams on the next use).
   */
  readonly onGap: () => void;
  /** Told why the subscription failed, with `name` in the message. */
  readonly onError?: (message: string, error: Error) => void;
  /** Says who stopped following the log, in the `onError` message. */
  readonly name: string;
  /** Delay before following the log again after its subscription failed. */
  readonly resubscribeDelayMs: number;
}

/**
 * Follows the global log from its head for caches that the log keeps current (key verification, closed
 * accounts, spending caps): no checkpoint, since what they hold is loaded from the streams and only
 * needs to hear of changes after it was loaded. If the subscription fails, `onGap` drops everything
 * and it resubscribes after `resubscribeDelayMs` from the last position it saw, so what was missed is
 * delivered then.
 */
export class LogFollower {
  private subscription?: Subscription;
  private lastSeenPosition = 0n;
  private stopped = false;
  private resubscribeTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: EventStore,
    private readonly options: LogFollowerOptions,
  ) {}

  /** Follows the log from its current head. */
  async start(): Promise<void> {
    this.lastSeenPosition = await this.store.headPosition();
    this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    await this.subscription?.stop();
  }

  private follow(): void {
    const subscription = this.store.subscribeToAll(
      { after: this.lastSeenPosition, typePrefixes: this.options.typePrefixes, omitDataFields: this.options.omitDataFields },
      async (event) => {
        this.options.onEvent(event);
        this.lastSeenPosition = event.position;
      },
    );
    this.subscription = subscription;
    void subscription.failed.then((error) => {
      if (this.stopped || this.subscription !== subscription) return;
      this.options.onError?.(`${this.options.name} stopped following the event log; resubscribing`, error);
      this.options.onGap();
      this.resubscribeTimer = setTimeout(() => {
        if (!this.stopped) this.follow();
      }, this.options.resubscribeDelayMs);
      this.resubscribeTimer.unref();
    });
  }
}
