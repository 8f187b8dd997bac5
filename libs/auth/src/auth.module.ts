import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, Type, UseGuards } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { AccountAuthGuard } from './account-auth.guard';
import { AccessTokenStrategy } from './access-token.strategy';
import { AccessTokens } from './access-tokens';
import { RateLimitStorage } from './rate-limit.storage';
import { ServiceTokenGuard, ServiceTokens } from './service-token.guard';
import { SessionAuthority } from './session-authority';
import { StaffGuard } from './staff.guard';

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

const authImports = [
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
];

const authProviders = [
  AccessTokens,
  AccessTokenStrategy,
  AccountAuthGuard,
  StaffGuard,
  ServiceTokenGuard,
  { provide: ServiceTokens, inject: [APP_CONFIG], useFactory: (config: ResolvedConfig) => ServiceTokens.fromConfig(config) },
];

/** Where the `SessionAuthority` comes from: the module that provides it and the provider itself. */
export interface SessionAuthoritySource {
  readonly module: Type<unknown>;
  readonly provider: Type<SessionAuthority>;
}

/**
 * Authentication for every audience: access tokens (passport-jwt), staff roles, platform service
 * tokens, and the per-address rate limit. Global (the one global module besides the runtime's), so any
 * context's controllers can use its guards; the app names the `SessionAuthority` it asks.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(authority: SessionAuthoritySource): DynamicModule {
    return {
      module: AuthModule,
      imports: [authority.module, ...authImports],
      providers: [...authProviders, { provide: SessionAuthority, useExisting: authority.provider }],
      exports: [AccessTokens, AccountAuthGuard, StaffGuard, ServiceTokenGuard, ServiceTokens, SessionAuthority],
    };
  }
}
