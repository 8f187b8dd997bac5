import { Global, Inject, Injectable, Module, OnApplicationShutdown, UseGuards } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { registerErrorStatuses } from '@app/http';
import { AccountAuthGuard } from './account-auth.guard';
import { AccessTokenStrategy } from './access-token.strategy';
import { AccessTokens } from './access-tokens';
import { RateLimitStorage } from './rate-limit.storage';
import { ServiceTokenGuard, ServiceTokens } from './service-token.guard';
import { StaffGuard } from './staff.guard';

registerErrorStatuses({ unauthorized: 401, forbidden: 403, rate_limited: 429 });

const RATE_LIMIT_WINDOW_MS = 60_000;

@Injectable()
class RateLimitStorageLifecycle implements OnApplicationShutdown {
  readonly storage: RateLimitStorage;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.storage = new RateLimitStorage(config.redisUrl);
  }

  onApplicationShutdown(): Promise<void> {
    return this.storage.close();
  }
}

@Module({ providers: [RateLimitStorageLifecycle], exports: [RateLimitStorageLifecycle] })
class RateLimitStorageModule {}

/**
 * Per client address (`request.ip`, which honours TRUST_PROXY): RATE_LIMIT_PER_MINUTE requests a
 * minute per route, then 429 `rate_limited`. For sign-in, registration and password reset.
 */
export const RateLimited = () => UseGuards(ThrottlerGuard);

/**
 * Authentication for every audience: access tokens (passport-jwt), staff roles, platform service
 * tokens, and the per-address rate limit. Global, so any feature module can use its guards; the
 * `SessionAuthority` it needs is provided by the accounts module.
 */
@Global()
@Module({
  imports: [
    PassportModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [APP_CONFIG, RateLimitStorageLifecycle],
      useFactory: (config: ResolvedConfig, lifecycle: RateLimitStorageLifecycle) => ({
        // Named `default`: the guard then answers the standard `Retry-After` (any other name suffixes it).
        throttlers: [{ name: 'default', ttl: RATE_LIMIT_WINDOW_MS, limit: config.rateLimitPerMinute }],
        storage: lifecycle.storage,
        errorMessage: 'Too many requests from this address; try again in a minute',
      }),
    }),
  ],
  providers: [
    AccessTokens,
    AccessTokenStrategy,
    AccountAuthGuard,
    StaffGuard,
    ServiceTokenGuard,
    { provide: ServiceTokens, inject: [APP_CONFIG], useFactory: (config: ResolvedConfig) => ServiceTokens.fromConfig(config) },
  ],
  exports: [AccessTokens, AccountAuthGuard, StaffGuard, ServiceTokenGuard, ServiceTokens],
})
export class AuthModule {}
