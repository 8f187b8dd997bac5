import { randomUUID } from 'node:crypto';
import { PGliteDatabase } from '@app/database';
import { EventCatalog } from '@app/ddd';
import { CachedDataKeyStore, isSealed, NewEvent, PersonalDataEventStore, verifyStreamIntegrity } from '@app/event-store';
import { PostgresEventStore, SqlDataKeyStore, sealStoredHistory } from '@app/event-store-pg';
import { SecretBox } from '@app/security';

describe('sealStoredHistory: the one-time migration of events written before the seam', () => {
  let db: PGliteDatabase;
  let plain: PostgresEventStore;
  let seam: PersonalDataEventStore;

  beforeAll(async () => {
    db = await PGliteDatabase.open();
    plain = await PostgresEventStore.create(db);
    const keys = new CachedDataKeyStore(await SqlDataKeyStore.create(db, new SecretBox('seal-history-data-encryption-key-32!!')));
    seam = new PersonalDataEventStore(
      plain,
      new EventCatalog().register({ 'member.joined': { version: 1, personal: ['email'] }, 'member.left': 1 }),
      keys,
    );
  });
  afterAll(async () => {
    await plain.close();
    await db.close();
  });

  const event = (type: string, data: Record<string, unknown>, accountId: string): NewEvent => ({
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: {
      accountId,
      actor: { kind: 'account', id: accountId },
      correlationId: randomUUID(),
      ip: '192.0.2.44',
      occurredAt: '2026-01-05T09:00:00.000Z',
    },
  });

  it('seals the personal fields in place, re-chains each stream, and runs once', async () => {
    const accountId = randomUUID();
    const stream = `member-${accountId}`;
    const tampered = `member-${randomUUID()}`;
    const written = [event('member.joined', { email: 'old@example.com' }, accountId), event('member.left', { after: 3 }, accountId)];
    await plain.append(stream, written, 'no_stream');
    await plain.append(tampered, [event('member.joined', { email: 'forged@example.com' }, accountId)], 'no_stream');
    await db.query(`UPDATE event_store_events SET data = '{"email":"other@example.com"}' WHERE stream = $1`, [tampered]);

    const report = await sealStoredHistory(db, (stored) => seam.sealEvent(stored));

    expect(report).toMatchObject({ ran: true, streamsRewritten: 1, eventsRewritten: 2, streamsSkipped: [tampered] });
    const raw = await plain.readStream(stream);
    expect(isSealed(raw[0].data.email)).toBe(true);
    expect(raw.every((stored) => isSealed(stored.metadata.ip))).toBe(true);
    expect(await verifyStreamIntegrity(plain, stream)).toEqual({ intact: true, events: 2 });
    expect((await seam.readStream(stream)).map((read) => [read.id, read.data, read.metadata.ip])).toEqual(
      written.map((original) => [original.id, original.data, '192.0.2.44']),
    );
    expect((await plain.readStream(tampered))[0].data).toEqual({ email: 'other@example.com' });
    expect(await sealStoredHistory(db, (stored) => seam.sealEvent(stored))).toMatchObject({ ran: false });
  });
});
