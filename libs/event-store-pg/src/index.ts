export { PostgresEventStore, PostgresEventStoreOptions } from './postgres-event-store';
export { eventStoreMigrations } from './event-store.migrations';
export { SubscriptionSettings, defaultSubscriptionSettings } from './log-subscription';
