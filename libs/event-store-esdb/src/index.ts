export { EventStoreDbStore } from './eventstoredb-store';
export type { EventStoreDbStoreOptions, EsdbClient, ReconnectPolicy } from './eventstoredb-store';
export * from './esdb-mapping';
export { selectEventStoreKind } from './select-event-store-kind';
export type { EventStoreKind } from './select-event-store-kind';
