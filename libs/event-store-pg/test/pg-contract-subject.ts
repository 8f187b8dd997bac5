import { SqlDatabase } from '@app/database';
import { EventCatalog } from '@app/ddd';
import { AppendResult, CachedDataKeyStore, ExpectedRevision, NewEvent, PersonalDataEventStore } from '@app/event-store';
import { PostgresEventStore, SqlDataKeyStore, SubscriptionSettings } from '@app/event-store-pg';
import { SecretBox } from '@app/security';
import { ContractContext, ContractSubject, PendingAppend } from '../../event-store/test/event-store.contract';

/** Short retry delays keep the failing-handler tests quick; the behaviour is the production one. */
export const testSubscriptionSettings: Partial<SubscriptionSettings> = {
  pollIntervalMs: 100,
  retryDelayMs: 20,
  handlerRetries: 3,
};

class RollbackRequested extends Error {}

/** The contract subject over one database, whichever driver opened it. */
export async function postgresContractSubject(
  db: SqlDatabase,
  context: ContractContext,
  closeDatabase: () => Promise<void>,
): Promise<ContractSubject> {
  const store = await PostgresEventStore.create(db, {
    upcasters: context.upcasters,
    subscriptions: testSubscriptionSettings,
  });
  return {
    ...subjectOver(db, store, closeDatabase),
    beginConcurrentAppend: (stream, events, expected) => beginAppend(db, store, stream, events, expected),
  };
}

/**
 * The contract subject through the erasure seam, over one database: the contract's events carry metadata
 * ip/userAgent, sealed in every event, and upcasting happens in the seam (the adapter gets no upcasters).
 */
export async function sealedContractSubject(
  db: SqlDatabase,
  context: ContractContext,
  closeDatabase: () => Promise<void>,
): Promise<ContractSubject> {
  const inner = await PostgresEventStore.create(db, { subscriptions: testSubscriptionSettings });
  const keys = new CachedDataKeyStore(await SqlDataKeyStore.create(db, new SecretBox('contract-data-encryption-key-32-chars!!')));
  const store = new PersonalDataEventStore(inner, new EventCatalog(), keys, context.upcasters);
  return subjectOver(db, store, closeDatabase);
}

/** A store over `db`, closed with it; `tamper` writes the events table behind the store's back. */
function subjectOver(db: SqlDatabase, store: ContractSubject['store'], closeDatabase: () => Promise<void>): ContractSubject {
  return {
    store,
    async teardown() {
      await store.close();
      await closeDatabase();
    },
    async tamper(stream, revision, newData) {
      await db.query('UPDATE event_store_events SET data = $3 WHERE stream = $1 AND revision = $2', [
        stream,
        revision,
        JSON.stringify(newData),
      ]);
    },
  };
}

/** Runs the store's append in a transaction that stays open until commit() or rollback(). */
function beginAppend(
  db: SqlDatabase,
  store: PostgresEventStore,
  stream: string,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): Promise<PendingAppend> {
  return new Promise((resolvePending, rejectPending) => {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    const transaction = db
      .transaction(async (tx) => {
        const result: AppendResult = await store.appendInTransaction(tx, stream, events, expected);
        resolvePending({
          result,
          async commit() {
            finish(true);
            await transaction;
          },
          async rollback() {
            finish(false);
            await transaction;
          },
        });
        if (!(await decided)) throw new RollbackRequested();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RollbackRequested)) rejectPending(error);
      });
  });
}
