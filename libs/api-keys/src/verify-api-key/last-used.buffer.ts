import { migrate, SqlDatabase } from '@app/database';
import { API_KEY_LAST_USED_TABLE, apiKeyMigrations } from '../read-model/last-used.migrations';

const MINUTE_MS = 60_000;

export interface LastUsedBufferOptions {
  readonly flushIntervalMs: number;
}

/**
 * Last use of each key, to the minute, without an event or a row write per request: verify records
 * (key, minute) in memory, at most once per key and minute, and a timer writes what accumulated in one
 * statement every `flushIntervalMs`, with GREATEST so the stored minute only moves forward. The first
 * use of a minute therefore reaches the listing within one flush interval plus one statement.
 */
export class LastUsedBuffer {
  private pending = new Map<string, number>();
  private readonly recordedThisMinute = new Set<string>();
  private currentMinute = -1;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly db: SqlDatabase,
    private readonly options: LastUsedBufferOptions = { flushIntervalMs: 500 },
  ) {}

  async start(): Promise<void> {
    await migrate(this.db, apiKeyMigrations);
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** On the hot path: O(1), no I/O. */
  record(keyId: string, nowMs: number): void {
    const minute = Math.floor(nowMs / MINUTE_MS);
    if (minute !== this.currentMinute) {
      this.currentMinute = minute;
      this.recordedThisMinute.clear();
    }
    if (this.recordedThisMinute.has(keyId)) return;
    this.recordedThisMinute.add(keyId);
    const pending = this.pending.get(keyId);
    if (pending === undefined || pending < minute) this.pending.set(keyId, minute);
  }

  /** Writes what is pending; a failed write is kept for the next flush. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch)
      .catch(() => {
        for (const [keyId, minute] of batch) {
          const newer = this.pending.get(keyId);
          if (newer === undefined || newer < minute) this.pending.set(keyId, minute);
        }
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async write(batch: ReadonlyMap<string, number>): Promise<void> {
    const keyIds = [...batch.keys()];
    const instants = keyIds.map((keyId) => new Date(batch.get(keyId)! * MINUTE_MS).toISOString());
    await this.db.query(
      `INSERT INTO ${API_KEY_LAST_USED_TABLE} (key_id, last_used_at)
       SELECT * FROM unnest($1::text[], $2::timestamptz[])
       ON CONFLICT (key_id) DO UPDATE SET last_used_at = GREATEST(${API_KEY_LAST_USED_TABLE}.last_used_at, EXCLUDED.last_used_at)`,
      [keyIds, instants],
    );
  }
}
