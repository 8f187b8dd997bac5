export { EventStoreDbStore } from './eventstoredb-store';
export { defaultEsdbSubscriptionSettings } from './eventstoredb-store';
export type { EventStoreDbStoreOptions, EsdbClient, EsdbSubscriptionSettings } from './eventstoredb-store';
export * from './esdb-mapping';
export { selectEventStoreKind } from './select-event-store-kind';
export type { EventStoreKind } from './select-event-store-kind';
