export type EventStoreKind = 'esdb' | 'postgres' | 'pglite';

/**
 * Which event store the configuration asks for: EventStoreDB when `EVENTSTORE_CONNECTION_STRING` is set,
 * else PostgreSQL when `DATABASE_URL` is set, else the embedded PGlite. Blank values count as unset.
 * Read models live in PostgreSQL (or PGlite) whatever this returns.
 */
export function selectEventStoreKind(env: Readonly<Record<string, string | undefined>>): EventStoreKind {
  if (env.EVENTSTORE_CONNECTION_STRING?.trim()) return 'esdb';
  if (env.DATABASE_URL?.trim()) return 'postgres';
  return 'pglite';
}
