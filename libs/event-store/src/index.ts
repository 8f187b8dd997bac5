export * from './event-store.port';
export * from './event-store.errors';
export * from './hash-chain';
export * from './upcasting';
export * from './stream-integrity';
