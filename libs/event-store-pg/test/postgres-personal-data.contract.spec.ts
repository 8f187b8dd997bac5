import { createTemporaryDatabase, describeWithEnv } from '@app/testing';
import { eventStoreContract } from '../../event-store/test/event-store.contract';
import { sealedContractSubject } from './pg-contract-subject';

// The PGlite twin of this suite is pglite-personal-data.contract.spec.ts: the seam in front of the
// PostgreSQL adapter keeps the whole contract, every contract event's ip/userAgent sealed.
describeWithEnv('DATABASE_URL', 'PostgreSQL event store through the personal-data seam', (url) => {
  eventStoreContract(
    'PostgreSQL, through the personal-data seam',
    async (context) => {
      const database = await createTemporaryDatabase(url, 'es_seam_contract');
      return sealedContractSubject(database.open(), context, () => database.drop());
    },
    { tamper: true },
  );
});
