import { PGliteDatabase } from '@app/database';
import { eventStoreContract } from '../../event-store/test/event-store.contract';
import { postgresContractSubject } from './pg-contract-subject';

// PGlite is one connection: writers never overlap, so the late-commit race cannot happen here.
eventStoreContract(
  'PostgreSQL dialect on PGlite',
  async (context) => {
    const db = await PGliteDatabase.open();
    return postgresContractSubject(db, context, () => db.close());
  },
  { tamper: true },
);
