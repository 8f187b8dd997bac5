import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { Redis } from 'ioredis';

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

export interface RedisThrottlerStorageOptions {
  readonly redisUrl: string;
  /** Past this, the hit is counted in memory instead: a request never waits on Redis for long. */
  readonly timeoutMs?: number;
  readonly keyPrefix?: string;
}

/**
 * Fixed-window counters in Redis (INCR, then PEXPIRE NX in one MULTI), shared by every api instance.
 * When Redis does not answer within `timeoutMs` (down, slow, reconnecting), the hit is counted by an
 * in-memory store for this instance instead: rate limiting degrades to per instance, requests go on.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly redis: Redis;
  private readonly memory = new ThrottlerStorageService();
  private readonly timeoutMs: number;
  private readonly keyPrefix: string;

  constructor(options: RedisThrottlerStorageOptions) {
    this.timeoutMs = options.timeoutMs ?? 100;
    this.keyPrefix = options.keyPrefix ?? 'rate-limit:';
    this.redis = new Redis(options.redisUrl, {
      // Commands wait (at most `timeoutMs`) while the first connection is made; once Redis is known to be
      // down, `increment` does not ask it at all until it is back.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.redis.on('error', () => undefined);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const knownDown = this.redis.status === 'reconnecting' || this.redis.status === 'end' || this.redis.status === 'close';
    if (knownDown) return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      return await this.withTimeout(this.incrementInRedis(`${this.keyPrefix}${throttlerName}:${key}`, ttl, limit));
    } catch {
      return this.memory.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  async close(): Promise<void> {
    this.memory.onApplicationShutdown();
    this.redis.disconnect();
  }

  private async incrementInRedis(redisKey: string, ttlMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    const results = await this.redis.multi().incr(redisKey).pexpire(redisKey, ttlMs, 'NX').pttl(redisKey).exec();
    if (!results) throw new Error('rate limit transaction aborted');
    for (const [error] of results) if (error) throw error;
    const totalHits = Number(results[0][1]);
    const remainingMs = Number(results[2][1]);
    const timeToExpire = Math.max(1, Math.ceil((remainingMs > 0 ? remainingMs : ttlMs) / 1000));
    const isBlocked = totalHits > limit;
    return { totalHits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('rate limit store timed out')), this.timeoutMs);
    });
    // A late Redis answer must not surface as an unhandled rejection.
    work.catch(() => undefined);
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The storage the throttler uses: Redis when REDIS_URL is set, memory otherwise; closed at shutdown. */
export class RateLimitStorage implements ThrottlerStorage {
  private readonly delegate: RedisThrottlerStorage | ThrottlerStorageService;

  constructor(redisUrl: string | undefined) {
    this.delegate = redisUrl ? new RedisThrottlerStorage({ redisUrl }) : new ThrottlerStorageService();
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    return this.delegate.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  async close(): Promise<void> {
    if (this.delegate instanceof RedisThrottlerStorage) await this.delegate.close();
    else this.delegate.onApplicationShutdown();
  }
}
