import { PGliteDatabase } from '@app/database';
import { releaseUniqueValue, RequestContext, reserveUniqueValue, UniqueValueTakenError } from '@app/ddd';
import { PostgresEventStore } from '@app/event-store-pg';

const context: RequestContext = { actor: { kind: 'system', id: 'spec' }, correlationId: 'corr' };
const now = new Date('2026-01-05T09:00:00.000Z');

describe('uniqueness across streams, enforced by the store', () => {
  let db: PGliteDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await PGliteDatabase.open();
    store = await PostgresEventStore.create(db);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  const reserve = (value: string, ownerId: string, isAbandoned?: () => Promise<boolean>) =>
    reserveUniqueValue(store, { kind: 'email', normalisedValue: value, ownerId, context, now, isAbandoned });

  it('gives a value to one owner only, even when many ask at once', async () => {
    const results = await Promise.allSettled(['o-1', 'o-2', 'o-3', 'o-4'].map((owner) => reserve('race@example.com', owner)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(UniqueValueTakenError);
  });

  it('is idempotent for the same owner', async () => {
    await reserve('same@example.com', 'o-1');
    await expect(reserve('same@example.com', 'o-1')).resolves.toBeUndefined();
  });

  it('frees a released value, and lets an abandoned reservation be taken over', async () => {
    await reserve('freed@example.com', 'o-1');
    await releaseUniqueValue(store, { kind: 'email', normalisedValue: 'freed@example.com', ownerId: 'o-1', context, now });
    await expect(reserve('freed@example.com', 'o-2')).resolves.toBeUndefined();
    await reserve('stale@example.com', 'o-1');
    await expect(reserve('stale@example.com', 'o-2', async () => false)).rejects.toBeInstanceOf(UniqueValueTakenError);
    await expect(reserve('stale@example.com', 'o-2', async () => true)).resolves.toBeUndefined();
  });

  it('leaves a reservation taken over between its read and its append to the new owner, without failing', async () => {
    await reserve('handed-on@example.com', 'o-1');
    let takeOver: (() => Promise<void>) | undefined = () => reserve('handed-on@example.com', 'o-2', async () => true);
    // The release reads the stream, then the takeover lands before the release appends.
    const racing = Object.create(store) as PostgresEventStore;
    racing.readStream = async (...args) => {
      const events = await store.readStream(...args);
      const run = takeOver;
      takeOver = undefined;
      await run?.();
      return events;
    };
    const release = { kind: 'email', normalisedValue: 'handed-on@example.com', ownerId: 'o-1', context, now };
    await expect(releaseUniqueValue(racing, release)).resolves.toBeUndefined();
    expect(takeOver).toBeUndefined();
    await expect(reserve('handed-on@example.com', 'o-3')).rejects.toBeInstanceOf(UniqueValueTakenError);
    await expect(reserve('handed-on@example.com', 'o-2')).resolves.toBeUndefined();
  });

  it('keeps the value itself out of stream names', async () => {
    await reserve('private@example.com', 'o-9');
    const streams = (await store.readAll()).map((event) => event.stream);
    expect(streams.join(' ')).not.toContain('private@example.com');
  });
});
