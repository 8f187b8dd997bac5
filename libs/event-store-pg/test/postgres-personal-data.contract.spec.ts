import { EventCatalog } from '@app/ddd';
import { CachedDataKeyStore, PersonalDataEventStore } from '@app/event-store';
import { PostgresEventStore, SqlDataKeyStore } from '@app/event-store-pg';
import { SecretBox } from '@app/security';
import { createTemporaryDatabase, describeWithEnv } from '@app/testing';
import { eventStoreContract } from '../../event-store/test/event-store.contract';
import { testSubscriptionSettings } from './pg-contract-subject';

// The PGlite twin of this suite is pglite-personal-data.contract.spec.ts: the seam in front of the
// PostgreSQL adapter keeps the whole contract, every contract event's ip/userAgent sealed.
describeWithEnv('DATABASE_URL', 'PostgreSQL event store through the personal-data seam', (url) => {
  eventStoreContract(
    'PostgreSQL, through the personal-data seam',
    async (context) => {
      const database = await createTemporaryDatabase(url, 'es_seam_contract');
      const db = database.open();
      const inner = await PostgresEventStore.create(db, { subscriptions: testSubscriptionSettings });
      const keys = new CachedDataKeyStore(await SqlDataKeyStore.create(db, new SecretBox('contract-data-encryption-key-32-chars!!')));
      const store = new PersonalDataEventStore(inner, new EventCatalog(), keys, context.upcasters);
      return {
        store,
        async teardown() {
          await store.close();
          await database.drop();
        },
        async tamper(stream, revision, newData) {
          await db.query('UPDATE event_store_events SET data = $3 WHERE stream = $1 AND revision = $2', [
            stream,
            revision,
            JSON.stringify(newData),
          ]);
        },
      };
    },
    { tamper: true },
  );
});
