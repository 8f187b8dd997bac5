import { describeWithEnv, createTemporaryDatabase } from '@app/testing';
import { eventStoreContract } from '../../event-store/test/event-store.contract';
import { postgresContractSubject } from './pg-contract-subject';

describeWithEnv('DATABASE_URL', 'PostgreSQL event store', (url) => {
  eventStoreContract(
    'PostgreSQL',
    async (context) => {
      const database = await createTemporaryDatabase(url, 'es_contract');
      return postgresContractSubject(database.open(), context, () => database.drop());
    },
    { tamper: true, concurrentWriters: true },
  );
});
