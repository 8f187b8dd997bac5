import { PGliteDatabase } from '@app/database';
import { EventCatalog } from '@app/ddd';
import { CachedDataKeyStore, PersonalDataEventStore } from '@app/event-store';
import { PostgresEventStore, SqlDataKeyStore } from '@app/event-store-pg';
import { SecretBox } from '@app/security';
import { eventStoreContract } from '../../event-store/test/event-store.contract';
import { testSubscriptionSettings } from './pg-contract-subject';

// The erasure seam in front of an adapter keeps the whole contract: the contract's events carry
// metadata ip/userAgent, sealed here in every event, and upcasting happens in the seam.
eventStoreContract(
  'PostgreSQL dialect on PGlite, through the personal-data seam',
  async (context) => {
    const db = await PGliteDatabase.open();
    const inner = await PostgresEventStore.create(db, { subscriptions: testSubscriptionSettings });
    const catalog = new EventCatalog();
    const keys = new CachedDataKeyStore(await SqlDataKeyStore.create(db, new SecretBox('contract-data-encryption-key-32-chars!!')));
    const store = new PersonalDataEventStore(inner, catalog, keys, context.upcasters);
    return {
      store,
      async teardown() {
        await store.close();
        await db.close();
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
