import { Injectable, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK, EVENT_STORE, LOGGER, SQL_DATABASE } from '@app/core';
import { SqlDatabase } from '@app/database';
import { Clock } from '@app/ddd';
import { EventStore } from '@app/event-store';
import { Logger as PinoLogger } from 'pino';
import { CreateApiKeyController } from './create-api-key/create-api-key.controller';
import { CreateApiKeyHandler } from './create-api-key/create-api-key.handler';
import { GetApiKeyController } from './get-api-key/get-api-key.controller';
import { GetApiKeyHandler } from './get-api-key/get-api-key.handler';
import { ListApiKeysController } from './list-api-keys/list-api-keys.controller';
import { ListApiKeysHandler } from './list-api-keys/list-api-keys.handler';
import { ApiKeyListingReader } from './read-model/api-key-listing.reader';
import { KeyExpirySweep } from './record-key-expiries/key-expiry-sweep';
import { AccountKeyRevocations } from './revoke-account-keys/account-key-revocations';
import { RevokeApiKeyController } from './revoke-api-key/revoke-api-key.controller';
import { RevokeApiKeyHandler } from './revoke-api-key/revoke-api-key.handler';
import { RotateApiKeyController } from './rotate-api-key/rotate-api-key.controller';
import { RotateApiKeyHandler } from './rotate-api-key/rotate-api-key.handler';
import { UpdateApiKeyController } from './update-api-key/update-api-key.controller';
import { UpdateApiKeyHandler } from './update-api-key/update-api-key.handler';
import { KeyVerificationPolicies } from './verify-api-key/key-verification-policy';
import { KeyVerifier } from './verify-api-key/key-verifier';
import { LastUsedBuffer } from './verify-api-key/last-used.buffer';
import { VerifyApiKeyController } from './verify-api-key/verify-api-key.controller';
import { VerifyApiKeyEndpoint } from './verify-api-key/verify-api-key.endpoint';

/**
 * Starts the verification cache and the last-used buffer with the app, and stops them with it: only
 * in processes that serve HTTP (`ApiKeysHttpModule`), never in a worker.
 */
@Injectable()
class VerificationLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly verifier: KeyVerifier,
    private readonly lastUsed: LastUsedBuffer,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.lastUsed.start();
    await this.verifier.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.verifier.stop();
    await this.lastUsed.stop();
  }
}

@Module({
  controllers: [
    CreateApiKeyController,
    ListApiKeysController,
    GetApiKeyController,
    UpdateApiKeyController,
    RevokeApiKeyController,
    RotateApiKeyController,
    VerifyApiKeyController,
  ],
  providers: [
    CreateApiKeyHandler,
    ListApiKeysHandler,
    GetApiKeyHandler,
    UpdateApiKeyHandler,
    RevokeApiKeyHandler,
    RotateApiKeyHandler,
    ApiKeyListingReader,
    KeyExpirySweep,
    AccountKeyRevocations,
    KeyVerificationPolicies,
    {
      provide: LastUsedBuffer,
      inject: [SQL_DATABASE],
      useFactory: (db: SqlDatabase) => new LastUsedBuffer(db),
    },
    {
      provide: KeyVerifier,
      inject: [EVENT_STORE, CLOCK, APP_CONFIG, LOGGER, LastUsedBuffer, KeyVerificationPolicies],
      useFactory: (
        store: EventStore,
        clock: Clock,
        config: AppConfig,
        logger: PinoLogger,
        lastUsed: LastUsedBuffer,
        policies: KeyVerificationPolicies,
      ) =>
        new KeyVerifier({
          store,
          clock,
          lastUsed,
          policies,
          supportEmail: config.supportEmail,
          onError: (message, error) => logger.error({ component: 'api-keys', err: error.message }, message),
        }),
    },
    VerifyApiKeyEndpoint,
  ],
  exports: [KeyVerifier, KeyVerificationPolicies, LastUsedBuffer],
})
export class ApiKeysModule {}

/** What only an HTTP-serving process runs: the verification cache's subscription and the last-used flush. */
@Module({ imports: [ApiKeysModule], providers: [VerificationLifecycle] })
export class ApiKeysHttpModule {}
