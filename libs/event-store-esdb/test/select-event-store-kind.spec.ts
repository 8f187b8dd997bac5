import { selectEventStoreKind } from '@app/event-store-esdb';

describe('event store selection by configuration', () => {
  it('chooses EventStoreDB when its connection string is set, even with a DATABASE_URL', () => {
    expect(
      selectEventStoreKind({ EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false', DATABASE_URL: 'postgres://db/app' }),
    ).toBe('esdb');
  });

  it('chooses PostgreSQL when only DATABASE_URL is set', () => {
    expect(selectEventStoreKind({ DATABASE_URL: 'postgres://db/app' })).toBe('postgres');
  });

  it('falls back to the embedded PGlite when neither is set, or both are blank', () => {
    expect(selectEventStoreKind({})).toBe('pglite');
    expect(selectEventStoreKind({ EVENTSTORE_CONNECTION_STRING: ' ', DATABASE_URL: '' })).toBe('pglite');
  });
});
