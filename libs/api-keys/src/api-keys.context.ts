import { defineContext } from '@app/core';
import { apiKeyListingProjection } from '../../../projections/api-key-listing/api-key-listing.projection';
import { ApiKeysHttpModule, ApiKeysModule } from './api-keys.module';
import { ApiKeyErrorCode, apiKeyErrorStatuses } from './domain/api-key.errors';
import { apiKeyEvents, ApiKeyEventTypeName } from './domain/api-key.events';
import {
  AccountKeyRevocations,
  accountKeyRevocationsReaction,
  REVOKE_ACCOUNT_KEYS_JOB,
} from './revoke-account-keys/account-key-revocations';
import { API_KEYS_QUEUE, KeyExpirySweep, keyExpirySchedule, RECORD_KEY_EXPIRIES_JOB } from './record-key-expiries/key-expiry-sweep';

/** The API keys context as every process registers it (see `ContextDeclaration` in `@app/core`). */
export const apiKeysContext = defineContext<ApiKeyEventTypeName, ApiKeyErrorCode>({
  name: 'api-keys',
  module: ApiKeysModule,
  httpModules: [ApiKeysHttpModule],
  errors: apiKeyErrorStatuses,
  events: apiKeyEvents,
  projections: [apiKeyListingProjection],
  reactions: [accountKeyRevocationsReaction],
  jobWorkers: [
    {
      queue: API_KEYS_QUEUE,
      jobs: { [RECORD_KEY_EXPIRIES_JOB]: KeyExpirySweep, [REVOKE_ACCOUNT_KEYS_JOB]: AccountKeyRevocations },
      schedules: [keyExpirySchedule],
    },
  ],
});
