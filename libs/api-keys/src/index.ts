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
  apiKeyEventVersions,
  apiKeyStream,
} from './domain/api-key.events';
export { apiKeyErrorStatuses } from './domain/api-key.errors';
export {
  API_KEY_LENGTH,
  API_KEY_PREFIX,
  displayPrefixOf,
  formatApiKey,
  hashApiKey,
  isKeyId,
  parseApiKey,
} from './domain/api-key-format';
export { normaliseScopes, scopeCovers, scopesCover } from './domain/scopes';
export { KeyRefusal, KeyVerificationRecord, refusalOf, verificationRecordOf } from './domain/key-verification';
