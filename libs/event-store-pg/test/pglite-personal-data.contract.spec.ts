import { PGliteDatabase } from '@app/database';
import { eventStoreContract } from '../../event-store/test/event-store.contract';
import { sealedContractSubject } from './pg-contract-subject';

// The erasure seam in front of an adapter keeps the whole contract (PostgreSQL's twin:
// postgres-personal-data.contract.spec.ts).
eventStoreContract(
  'PostgreSQL dialect on PGlite, through the personal-data seam',
  async (context) => {
    const db = await PGliteDatabase.open();
    return sealedContractSubject(db, context, () => db.close());
  },
  { tamper: true },
);
