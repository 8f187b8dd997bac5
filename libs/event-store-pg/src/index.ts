export { PostgresEventStore, PostgresEventStoreOptions } from './postgres-event-store';
export { eventStoreMigrations } from './event-store.migrations';
export { SubscriptionSettings, defaultSubscriptionSettings } from './log-subscription';
export { DATA_KEYS_TABLE, dataKeyMigrations, KeyWrapper, SqlDataKeyStore } from './sql-data-key-store';
export { sealStoredHistory, SealHistoryReport } from './seal-history';
