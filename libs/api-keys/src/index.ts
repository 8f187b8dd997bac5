export {
  ApiKey,
  ApiKeyCommand,
  apiKeyDecider,
  ApiKeyState,
  ApiKeyStatus,
  decideApiKey,
  endOfValidity,
  evolveApiKey,
  initialApiKeyState,
  MAX_GRACE_PERIOD_SECONDS,
  statusAt,
} from './domain/api-key.decider';
export {
  API_KEY_EVENT_PREFIX,
  ApiKeyEvent,
  ApiKeyEventType,
  ApiKeyEventTypeName,
  apiKeyEvents,
  apiKeyEventVersions,
  apiKeyStream,
} from './domain/api-key.events';
export { ApiKeyErrorCode, apiKeyErrorStatuses } from './domain/api-key.errors';
export { API_KEY_LENGTH, API_KEY_PREFIX, displayPrefixOf, formatApiKey, hashApiKey, isKeyId, parseApiKey } from './domain/api-key-format';
export { normaliseScopes, scopeCovers, scopesCover } from './domain/scopes';
export { KeyRefusal, KeyVerificationRecord, refusalOf, verificationRecordOf } from './domain/key-verification';
export { ApiKeysHttpModule, ApiKeysModule } from './api-keys.module';
export { apiKeysContext } from './api-keys.context';
export { KeyVerifier, KeyVerifierOptions, defaultKeyVerifierOptions } from './verify-api-key/key-verifier';
export { KeyVerificationPolicies, KeyVerificationPolicy, VerifiedKey } from './verify-api-key/key-verification-policy';
export { LastUsedBuffer } from './verify-api-key/last-used.buffer';
export { RefreshingCache, RefreshingCacheOptions } from './verify-api-key/refreshing-cache';
export { API_KEY_LAST_USED_TABLE, apiKeyMigrations } from './read-model/last-used.migrations';
export { ApiKeyView } from './read-model/api-key-view';
export { issueApiKey, IssuedKey } from './key-issuance';
export { CreateApiKeyCommand } from './create-api-key/create-api-key.command';
export { IssuedApiKeyDto } from './create-api-key/create-api-key.dto';
export {
  ACCOUNT_CLOSED,
  ACCOUNT_ERASED,
  ACCOUNT_REINSTATED,
  ACCOUNT_SUSPENDED,
  AccountStanding,
  standingFromNewestFirst,
} from './domain/account-standing';
export { ListApiKeysQuery } from './list-api-keys/list-api-keys.query';
