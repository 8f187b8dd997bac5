import { describeWithEnv } from '@app/testing';
import { EventStoreDbStore } from '@app/event-store-esdb';
import { eventStoreContract } from '../../event-store/test/event-store.contract';

/**
 * The shared contract against a real EventStoreDB (KurrentDB) server, e.g. the one docker/compose.yaml
 * starts: EVENTSTORE_CONNECTION_STRING='esdb://localhost:2113?tls=false' npm test -- libs/event-store
 *
 * The server is shared and never emptied: the contract's random stream names and per-run type namespace
 * keep runs apart. Same assertions as every adapter; only what the server defines differently is left
 * out, and the contract lists it as skipped:
 * - `tamper`: EventStoreDB cannot rewrite a stored event in place (events are immutable; a "change" would
 *   be a new event at a new revision), so there is no hook to alter one behind the store's back. The
 *   chain itself is still checked (hash chain and upcasting tests verify every stream read).
 * - `concurrentWriters`: the late-commit race is PostgreSQL's (a lower sequence value committing after a
 *   higher one); the server assigns `$all` positions in commit order itself. The many-writers test still
 *   runs here.
 */
describeWithEnv('EVENTSTORE_CONNECTION_STRING', 'EventStoreDB event store', (connectionString) => {
  eventStoreContract('EventStoreDB', async ({ upcasters }) => {
    const store = EventStoreDbStore.connect(connectionString, { upcasters });
    return { store, teardown: () => store.close() };
  });
});
