import { randomUUID } from 'node:crypto';
import { PGliteDatabase } from '@app/database';
import { declareEvents, DomainEvent, EventCatalog } from '@app/ddd';
import {
  CachedDataKeyStore,
  DataKeyStore,
  ERASED,
  EventMetadata,
  isSealed,
  NewEvent,
  PersonalDataEventStore,
  PersonalDataWithoutAccountError,
  PersonalFieldInClearError,
  ReadAllOptions,
  RecordedEvent,
  SealedFieldsIntegrityError,
  sealedKeyId,
  sealValue,
  UpcasterRegistry,
  verifyStreamIntegrity,
} from '@app/event-store';
import { DATA_KEYS_TABLE, PostgresEventStore, SqlDataKeyStore } from '@app/event-store-pg';
import { SecretBox } from '@app/security';

type Invited = DomainEvent<
  'party.invited',
  { guestEmail: string; guests: { name: string; seat: number }[]; note: { body: string | null }; count: number }
>;
type Renamed = DomainEvent<'party.renamed', { name: string }>;
type Counted = DomainEvent<'party.counted', { count: number }>;

const declarations = declareEvents<Invited | Renamed | Counted>()({
  'party.invited': { version: 1, personal: ['guestEmail', 'guests.name', 'note.body'] },
  'party.renamed': { version: 2, personal: ['name'] },
  'party.counted': { version: 1 },
});

// The typed marker: leaving a personal-looking text field out of `personal` does not compile.
declareEvents<Renamed>()({
  // @ts-expect-error `name` looks personal and is not declared
  'party.renamed': { version: 2 },
});

describe('PersonalDataEventStore (the erasure seam) over PGlite', () => {
  let db: PGliteDatabase;
  let inner: PostgresEventStore;
  let keys: CachedDataKeyStore;
  let store: PersonalDataEventStore;
  let clock: number;
  const box = new SecretBox('a-data-encryption-key-of-32-characters!!');
  const catalog = new EventCatalog().register(declarations);
  // v1 of party.renamed was `{ fullName }`: the upcaster sees the opened value.
  const upcasters = new UpcasterRegistry([
    { type: 'party.renamed', fromVersion: 1, upcast: (data) => ({ name: String(data.fullName).toUpperCase() }) },
  ]);

  beforeAll(async () => {
    db = await PGliteDatabase.open();
    inner = await PostgresEventStore.create(db);
    keys = new CachedDataKeyStore(await SqlDataKeyStore.create(db, box), { ttlMs: 1000, now: () => clock });
    store = new PersonalDataEventStore(inner, catalog, keys, upcasters);
  });
  beforeEach(() => {
    clock = 0;
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  const metadata = (accountId: string | undefined, extra: Partial<EventMetadata> = {}): EventMetadata => ({
    accountId,
    actor: { kind: 'account', id: accountId ?? 'nobody' },
    correlationId: randomUUID(),
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Party)',
    occurredAt: '2026-01-05T09:00:00.000Z',
    ...extra,
  });
  /** A `party.renamed` of v1, when `fullName` was its personal field: sealed (format v1) as the catalog of its day said. */
  const appendOldRename = async (accountId: string, stream: string): Promise<void> => {
    const key = (await keys.keyOfAccount(accountId))!;
    const old: NewEvent = {
      id: randomUUID(),
      type: 'party.renamed',
      schemaVersion: 1,
      data: { fullName: sealValue(key.key, key.id, 'Ada Lovelace') },
      metadata: metadata(accountId),
    };
    await store.append(stream, [old], 'no_stream');
  };

  const invited = (accountId: string | undefined): NewEvent => ({
    id: randomUUID(),
    type: 'party.invited',
    schemaVersion: 1,
    data: {
      guestEmail: 'ada@example.com',
      guests: [
        { name: 'Ada Lovelace', seat: 1 },
        { name: 'Grace Hopper', seat: 2 },
      ],
      note: { body: 'bring cake' },
      count: 2,
    },
    metadata: metadata(accountId),
  });

  it('stores the declared fields and metadata ip/userAgent sealed, and every read shows them opened', async () => {
    const accountId = randomUUID();
    const stream = `party-${randomUUID()}`;
    const event = invited(accountId);
    await store.append(stream, [event], 'no_stream');

    const [raw] = await store.readStream(stream, { raw: true });
    const stored = JSON.stringify({ data: raw.data, metadata: raw.metadata });
    for (const value of ['ada@example.com', 'Ada Lovelace', 'Grace Hopper', 'bring cake', '203.0.113.7', 'Mozilla/5.0 (Party)'])
      expect(stored).not.toContain(value);
    expect(isSealed(raw.data.guestEmail)).toBe(true);
    expect(raw.data.count).toBe(2);
    expect((raw.data.guests as { seat: number }[]).map((guest) => guest.seat)).toEqual([1, 2]);
    expect(isSealed(raw.metadata.ip)).toBe(true);

    const [read] = await store.readStream(stream);
    expect(read.data).toEqual(event.data);
    expect(read.metadata).toMatchObject({ ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Party)', hash: raw.metadata.hash });
    const fromLog = (await store.readAll()).find((recorded) => recorded.id === event.id)!;
    expect(fromLog.data).toEqual(event.data);

    const delivered = await new Promise<RecordedEvent>((resolve) => {
      const subscription = store.subscribeToAll({ after: raw.position - 1n }, async (recorded) => {
        resolve(recorded);
        void subscription.stop();
      });
    });
    expect(delivered.data).toEqual(event.data);
    expect((await verifyStreamIntegrity(store, stream)).intact).toBe(true);
  });

  it('reads the log without data for a reader of none: the metadata opened, nothing upcast', async () => {
    const accountId = randomUUID();
    const stream = `party-${randomUUID()}`;
    const after = await store.headPosition();
    await appendOldRename(accountId, stream);

    const [whole] = (await store.readAll({ after })).filter((read) => read.stream === stream);
    expect([whole.data, whole.schemaVersion]).toEqual([{ name: 'ADA LOVELACE' }, 2]);
    const [bare] = (await store.readAll({ after, omitData: true })).filter((read) => read.stream === stream);
    expect([bare.data, bare.schemaVersion]).toEqual([{}, 1]);
    expect(bare.metadata).toMatchObject({ ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Party)', hash: whole.metadata.hash });
  });

  it('reads the log with only the metadata a reader names, every personal value it reads still opened', async () => {
    const accountId = randomUUID();
    const stream = `party-${randomUUID()}`;
    const after = await store.headPosition();
    await store.append(stream, [invited(accountId)], 'no_stream');
    const read = async (options: Omit<ReadAllOptions, 'after'>) =>
      (await store.readAll({ after, ...options })).filter((recorded) => recorded.stream === stream);

    const [[whole], [withData], [withIp], [bare]] = [
      await read({}),
      await read({ metadataFields: ['accountId'] }),
      await read({ metadataFields: ['ip'], omitData: true }),
      await read({ metadataFields: ['accountId'], omitData: true }),
    ];
    expect(whole.data.guestEmail).toBe('ada@example.com');
    expect([withData.data, withData.metadata]).toEqual([whole.data, { accountId }]);
    expect([withIp.data, withIp.metadata]).toEqual([{}, { ip: '203.0.113.7' }]);
    expect([bare.data, bare.metadata]).toEqual([{}, { accountId }]);
  });

  it('after the key is destroyed the fields read "[erased]", the chain still verifies, and later appends hold no personal value', async () => {
    const accountId = randomUUID();
    const other = randomUUID();
    const stream = `party-${randomUUID()}`;
    await store.append(stream, [invited(accountId), invited(other)], 'no_stream');

    await keys.destroy(accountId);
    const [mine, theirs] = await store.readStream(stream);
    expect(mine.data).toEqual({
      guestEmail: ERASED,
      guests: [
        { name: ERASED, seat: 1 },
        { name: ERASED, seat: 2 },
      ],
      note: { body: ERASED },
      count: 2,
    });
    expect(mine.metadata).toMatchObject({ ip: ERASED, userAgent: ERASED });
    expect(theirs.data.guestEmail).toBe('ada@example.com');
    expect((await verifyStreamIntegrity(store, stream)).intact).toBe(true);

    await store.append(stream, [invited(accountId)], 1);
    const [, , late] = await store.readStream(stream, { raw: true });
    expect(late.data.guestEmail).toBe(ERASED);
    expect(late.metadata.ip).toBe(ERASED);
    expect((await verifyStreamIntegrity(store, stream)).intact).toBe(true);
    const { rows } = await db.query<{ wrapped_key: string | null }>(`SELECT wrapped_key FROM ${DATA_KEYS_TABLE} WHERE account_id = $1`, [
      accountId,
    ]);
    expect(rows).toEqual([{ wrapped_key: null }]);
  });

  it('seals each event of one append under its own account, whether its key is cached (sealed at once) or not yet', async () => {
    const [known, alsoKnown, first, second] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await keys.keyOfAccount(known);
    await keys.keyOfAccount(alsoKnown);
    const owners = [known, alsoKnown, first, known, second];
    const events = owners.map(invited);
    const stream = `party-${randomUUID()}`;
    await store.append(stream, events, 'no_stream');

    const keyIds = await Promise.all(owners.map(async (accountId) => (await keys.keyOfAccount(accountId))!.id));
    const stored = await store.readStream(stream, { raw: true });
    expect(stored.map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(stored.map((event) => sealedKeyId(event.metadata.sealed))).toEqual(keyIds);
    expect((await store.readStream(stream)).map((event) => event.data)).toEqual(events.map((event) => event.data));
  });

  it('a key destroyed by another process is no longer used once the cache entry ages out', async () => {
    const accountId = randomUUID();
    const stream = `party-${randomUUID()}`;
    await store.append(stream, [invited(accountId)], 'no_stream');
    expect((await store.readStream(stream))[0].data.guestEmail).toBe('ada@example.com');

    await new SqlDataKeyStore(db, box).destroy(accountId);
    clock += 1001;
    expect((await store.readStream(stream))[0].data.guestEmail).toBe(ERASED);
  });

  it("looks up the keys of a read's accounts in one batch, then reloads them ahead of their age bound without making a read wait", async () => {
    const sql = await SqlDataKeyStore.create(db, box);
    const lookups: number[] = [];
    const counting: DataKeyStore = {
      keyOfAccount: (accountId) => sql.keyOfAccount(accountId),
      keyById: (keyId) => sql.keyById(keyId),
      keysById: (keyIds) => {
        lookups.push(keyIds.length);
        return sql.keysById(keyIds);
      },
      destroy: (accountId) => sql.destroy(accountId),
    };
    const reader = new PersonalDataEventStore(inner, catalog, new CachedDataKeyStore(counting, { ttlMs: 1000, now: () => clock }));
    const guests = Array.from({ length: 5 }, () => randomUUID());
    const stream = `party-${randomUUID()}`;
    await store.append(
      stream,
      guests.map((guest) => invited(guest)),
      'no_stream',
    );
    const emails = async () => (await reader.readStream(stream)).map((event) => event.data.guestEmail);

    expect(await emails()).toEqual(guests.map(() => 'ada@example.com'));
    expect(lookups).toEqual([5]);
    expect(await emails()).toHaveLength(5);
    expect(lookups).toEqual([5]);

    clock += 600; // past half the age bound: served at once, reloaded in the background in one look-up
    expect(await emails()).toEqual(guests.map(() => 'ada@example.com'));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lookups).toEqual([5, 5]);

    await sql.destroy(guests[0]);
    clock += 1001;
    expect(await emails()).toEqual([ERASED, ...guests.slice(1).map(() => 'ada@example.com')]);
  });

  it('keeps the keys wrapped by DATA_ENCRYPTION_KEY: the table alone opens nothing', async () => {
    const accountId = randomUUID();
    const stream = `party-${randomUUID()}`;
    await store.append(stream, [invited(accountId)], 'no_stream');
    const { rows } = await db.query<{ wrapped_key: string }>(`SELECT wrapped_key FROM ${DATA_KEYS_TABLE} WHERE account_id = $1`, [
      accountId,
    ]);
    const otherBox = new SecretBox('another-data-encryption-key-32-chars!!!');
    const elsewhere = new PersonalDataEventStore(inner, catalog, new SqlDataKeyStore(db, otherBox));
    expect(() => otherBox.open(rows[0].wrapped_key)).toThrow();
    await expect(elsewhere.readStream(stream)).rejects.toThrow();
  });

  it('refuses a personal-looking field that its type does not declare, and writes nothing', async () => {
    const stream = `party-${randomUUID()}`;
    const undeclared: NewEvent = {
      id: randomUUID(),
      type: 'party.counted',
      schemaVersion: 1,
      data: { count: 3, host: { email: 'grace@example.com' }, nickname: 'g' },
      metadata: metadata(randomUUID()),
    };
    const error = await store.append(stream, [undeclared], 'no_stream').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PersonalFieldInClearError);
    expect((error as PersonalFieldInClearError).paths).toEqual(['host.email', 'nickname']);
    expect(await store.readStream(stream)).toEqual([]);
  });

  it('refuses declared personal data without an account to seal it under; ip/userAgent of no account stay as written', async () => {
    const stream = `party-${randomUUID()}`;
    await expect(store.append(stream, [invited(undefined)], 'no_stream')).rejects.toBeInstanceOf(PersonalDataWithoutAccountError);
    const counted: NewEvent = {
      id: randomUUID(),
      type: 'party.counted',
      schemaVersion: 1,
      data: { count: 1 },
      metadata: metadata(undefined),
    };
    await store.append(stream, [counted], 'no_stream');
    expect((await store.readStream(stream, { raw: true }))[0].metadata.ip).toBe('203.0.113.7');
  });

  it('opens a value when it is first read, as the read found its key: copies, JSON and later reads see the plain value', async () => {
    const accountId = randomUUID();
    const stream = `party-${randomUUID()}`;
    const event = invited(accountId);
    await store.append(stream, [event], 'no_stream');
    const [read] = await store.readStream(stream);
    await keys.destroy(accountId); // after the read: what it returned opens with the key it found
    expect(JSON.parse(JSON.stringify(read.data))).toEqual(event.data);
    expect({ ...read.metadata }).toMatchObject({ ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Party)' });
    expect(read.data.guestEmail).toBe('ada@example.com');
    const [later] = await store.readStream(stream);
    expect([later.data.guestEmail, later.metadata.ip]).toEqual([ERASED, ERASED]);
  });

  it('adds no key of its own to what it reads: the keys of the data and metadata are those stored, sealed left out', async () => {
    const accountId = randomUUID();
    const stream = `party-${randomUUID()}`;
    const event = invited(accountId);
    await store.append(stream, [event], 'no_stream');
    const [read] = await store.readStream(stream);
    const keysOf = (value: object): string[] => Reflect.ownKeys(value).map(String).sort();
    expect(keysOf(read.data)).toEqual(keysOf(event.data));
    const [raw] = await store.readStream(stream, { raw: true });
    expect(keysOf(read.metadata)).toEqual(keysOf(raw.metadata).filter((key) => key !== 'sealed'));
    expect(Object.getOwnPropertyDescriptor(read.metadata, 'ip')?.enumerable).toBe(true);
    expect({ ...read.data }).toStrictEqual(event.data);
  });

  it('opens before upcasting, so an upcaster of an old version sees plain values', async () => {
    const accountId = randomUUID();
    const stream = `party-${randomUUID()}`;
    await appendOldRename(accountId, stream);
    const [read] = await store.readStream(stream);
    expect(read).toMatchObject({ schemaVersion: 2, data: { name: 'ADA LOVELACE' } });
  });

  describe('format v2: the personal values of an event sealed together in metadata.sealed', () => {
    interface Row {
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
    }
    const rowOf = async (eventId: string): Promise<Row> =>
      (await db.query<Row>('SELECT data, metadata FROM event_store_events WHERE id = $1', [eventId])).rows[0];
    const rewrite = (eventId: string, row: Row) =>
      db.query('UPDATE event_store_events SET data = $2::jsonb, metadata = $3::jsonb WHERE id = $1', [
        eventId,
        JSON.stringify(row.data),
        JSON.stringify(row.metadata),
      ]);
    /** Reads the stream and every field of it (a value opens when it is first read). */
    const readFully = async (stream: string) =>
      JSON.parse(
        JSON.stringify(await store.readStream(stream, {}), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      ) as RecordedEvent[];
    /** The event as the store before format v2 wrote it: each personal value its own `sealed:v1:` value. */
    const invitedV1 = async (accountId: string): Promise<NewEvent> => {
      const key = (await keys.keyOfAccount(accountId))!;
      const seal = (value: unknown) => sealValue(key.key, key.id, value);
      return {
        id: randomUUID(),
        type: 'party.invited',
        schemaVersion: 1,
        data: {
          guestEmail: seal('ada@example.com'),
          guests: [
            { name: seal('Ada Lovelace'), seat: 1 },
            { name: seal('Grace Hopper'), seat: 2 },
          ],
          note: { body: seal('bring cake') },
          count: 2,
        },
        metadata: { ...metadata(accountId), ip: seal('203.0.113.7'), userAgent: seal('Mozilla/5.0 (Party)') },
      };
    };
    const plainInvited = (accountId: string) => ({ data: invited(accountId).data, ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Party)' });

    it('stores one sealed value in the metadata and a placeholder per field: no personal value in the row, every read opens them', async () => {
      const accountId = randomUUID();
      const stream = `party-${randomUUID()}`;
      const event = invited(accountId);
      await store.append(stream, [event], 'no_stream');

      const row = await rowOf(event.id);
      const stored = JSON.stringify(row);
      for (const value of [
        'ada@example.com',
        'Ada Lovelace',
        'Grace Hopper',
        'bring cake',
        '203.0.113.7',
        'Mozilla/5.0 (Party)',
        'sealed:v1:',
      ])
        expect(stored).not.toContain(value);
      expect(row.data).toEqual({
        guestEmail: 'sealed:v2:0',
        guests: [
          { name: 'sealed:v2:1', seat: 1 },
          { name: 'sealed:v2:2', seat: 2 },
        ],
        note: { body: 'sealed:v2:3' },
        count: 2,
      });
      expect(row.metadata).toMatchObject({ ip: 'sealed:v2:4', userAgent: 'sealed:v2:5' });
      const keyId = (await keys.keyOfAccount(accountId))!.id;
      expect(row.metadata.sealed).toMatch(new RegExp(`^sealed:v2:${keyId}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$`));

      const [read] = await store.readStream(stream);
      expect(read.data).toEqual(event.data);
      expect(read.metadata).toMatchObject({ ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Party)' });
      expect('sealed' in read.metadata).toBe(false);
      expect(JSON.stringify(read.metadata)).not.toContain('sealed');
      const [byPosition] = await store.readPositions!([read.position]);
      expect([byPosition.data, byPosition.metadata.ip, 'sealed' in byPosition.metadata]).toEqual([event.data, '203.0.113.7', false]);
      expect(await store.open((await store.readStream(stream, { raw: true }))[0])).toMatchObject({ data: event.data });
      expect(await verifyStreamIntegrity(store, stream)).toEqual({ intact: true, events: 1 });
    });

    it('reads events stored in format v1 exactly as before, mixed with v2 ones in a stream and in the log', async () => {
      const accountId = randomUUID();
      const stream = `party-${randomUUID()}`;
      const old = await invitedV1(accountId);
      const written = [old, invited(accountId), await invitedV1(accountId)];
      await store.append(stream, written.slice(0, 2), 'no_stream');
      await store.append(stream, written.slice(2), 1);

      const rows = await Promise.all(written.map((event) => rowOf(event.id)));
      expect(rows.map((row) => [typeof row.metadata.sealed, row.data.guestEmail === 'sealed:v2:0'])).toEqual([
        ['undefined', false],
        ['string', true],
        ['undefined', false],
      ]);
      expect(rows[0].data).toEqual(old.data);
      const expected = written.map(() => plainInvited(accountId));
      const shown = (events: RecordedEvent[]) =>
        events.map((read) => ({ data: read.data, ip: read.metadata.ip, userAgent: read.metadata.userAgent }));
      expect(shown(await store.readStream(stream))).toEqual(expected);
      const fromLog = (await store.readAll()).filter((read) => read.stream === stream);
      expect(shown(fromLog)).toEqual(expected);
      expect(await verifyStreamIntegrity(store, stream)).toEqual({ intact: true, events: 3 });

      await keys.destroy(accountId);
      const erased = {
        guestEmail: ERASED,
        guests: [
          { name: ERASED, seat: 1 },
          { name: ERASED, seat: 2 },
        ],
        note: { body: ERASED },
        count: 2,
      };
      const after = await store.readStream(stream);
      expect(shown(after)).toEqual(written.map(() => ({ data: erased, ip: ERASED, userAgent: ERASED })));
      expect(after.some((read) => 'sealed' in read.metadata)).toBe(false);
    });

    it('refuses a seal copied from another event of the same account, even one opened and kept from an earlier read', async () => {
      const accountId = randomUUID();
      const stream = `party-${randomUUID()}`;
      const [first, second] = [invited(accountId), invited(accountId)];
      await store.append(stream, [first, second], 'no_stream');
      await readFully(stream); // both seals opened and kept
      const [from, to] = [await rowOf(first.id), await rowOf(second.id)];
      await rewrite(second.id, { data: to.data, metadata: { ...to.metadata, sealed: from.metadata.sealed } });

      await expect(readFully(stream)).rejects.toBeInstanceOf(SealedFieldsIntegrityError);
    });

    it('refuses a seal altered; reads placeholders moved, renumbered, repeated or dropped as their own text, never a value sealed elsewhere; the chain reports each', async () => {
      const accountId = randomUUID();
      const written = Array.from({ length: 7 }, () => invited(accountId));
      const streams = written.map(() => `party-${randomUUID()}`);
      for (const [index, event] of written.entries()) await store.append(streams[index], [event], 'no_stream');
      const rows = await Promise.all(written.map((event) => rowOf(event.id)));
      const seal = String(rows[0].metadata.sealed);
      const body = seal.slice(seal.lastIndexOf(':') + 1);
      const flipped = seal.slice(0, -body.length) + (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
      const { guestEmail, ...withoutEmail } = rows[5].data;
      const forged: Row[] = [
        { data: rows[0].data, metadata: { ...rows[0].metadata, sealed: flipped } },
        // two placeholders swapped
        { data: { ...rows[1].data, guestEmail: 'sealed:v2:4' }, metadata: { ...rows[1].metadata, ip: 'sealed:v2:0' } },
        // one beyond the seal; one index twice at two paths; one index twice at the same path
        { data: { ...rows[2].data, guestEmail: 'sealed:v2:6' }, metadata: rows[2].metadata },
        { data: rows[3].data, metadata: { ...rows[3].metadata, ip: 'sealed:v2:0' } },
        {
          data: {
            ...rows[4].data,
            guests: [
              { name: 'sealed:v2:1', seat: 1 },
              { name: 'sealed:v2:1', seat: 2 },
            ],
          },
          metadata: rows[4].metadata,
        },
        // moved to another field (of the same length); dropped for a value in clear
        { data: { ...withoutEmail, guestPhone: guestEmail }, metadata: rows[5].metadata },
        { data: { ...rows[6].data, note: { body: 'bring pie' } }, metadata: rows[6].metadata },
      ];
      for (const [index, event] of written.entries()) await rewrite(event.id, forged[index]);

      const [altered] = await store.readStream(streams[0]);
      expect(() => altered.data.guestEmail).toThrow(SealedFieldsIntegrityError);
      const read = await Promise.all(streams.slice(1).map(async (stream) => (await readFully(stream))[0]));
      const guests = (event: RecordedEvent) => (event.data.guests as Array<{ name: string }>).map((guest) => guest.name);
      expect([read[0].data.guestEmail, read[0].metadata.ip]).toEqual(['sealed:v2:4', 'sealed:v2:0']);
      expect(read[1].data.guestEmail).toBe('sealed:v2:6');
      expect([read[2].data.guestEmail, read[2].metadata.ip]).toEqual(['ada@example.com', 'sealed:v2:0']);
      // Both at the path placeholder 1 was sealed for: the value is that path's, of this very event.
      expect(guests(read[3])).toEqual(['Ada Lovelace', 'Ada Lovelace']);
      expect([read[4].data.guestPhone, read[4].data.guestEmail]).toEqual(['sealed:v2:0', undefined]);
      expect(read[5].data.note).toEqual({ body: 'bring pie' });
      for (const stream of streams) expect(await verifyStreamIntegrity(store, stream)).toMatchObject({ intact: false });
    });

    it('reads placeholders without metadata.sealed as their text and a seal without placeholders as nothing; seals a value of that shape given at append', async () => {
      const accountId = randomUUID();
      const [orphans, lone] = [invited(accountId), invited(accountId)];
      const streams = [`party-${randomUUID()}`, `party-${randomUUID()}`];
      await store.append(streams[0], [orphans], 'no_stream');
      await store.append(streams[1], [lone], 'no_stream');
      const row = await rowOf(orphans.id);
      const { sealed, ...unsealed } = row.metadata;
      await rewrite(orphans.id, { data: row.data, metadata: unsealed });
      const other = await rowOf(lone.id);
      await rewrite(lone.id, { data: { count: 2 }, metadata: { ...other.metadata, ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Party)' } });

      expect(typeof sealed).toBe('string');
      const [withoutSeal] = await readFully(streams[0]);
      expect([withoutSeal.data.guestEmail, withoutSeal.metadata.ip]).toEqual(['sealed:v2:0', 'sealed:v2:4']);
      const [withoutPlaceholders] = await readFully(streams[1]);
      expect([withoutPlaceholders.data, withoutPlaceholders.metadata.ip, 'sealed' in withoutPlaceholders.metadata]).toEqual([
        { count: 2 },
        '203.0.113.7',
        false,
      ]);
      for (const stream of streams) expect(await verifyStreamIntegrity(store, stream)).toMatchObject({ intact: false });
      // ...and at append, text of a placeholder's shape in a personal field is a value, sealed as any other.
      const owner = randomUUID();
      const shaped: NewEvent = { ...invited(owner), data: { ...invited(owner).data, guestEmail: 'sealed:v2:0' } };
      const stream = `party-${randomUUID()}`;
      await store.append(stream, [shaped], 'no_stream');
      expect((await rowOf(shaped.id)).metadata.sealed).toEqual(expect.any(String));
      expect((await readFully(stream))[0].data.guestEmail).toBe('sealed:v2:0');
      await keys.destroy(owner);
      expect((await readFully(stream))[0].data.guestEmail).toBe(ERASED);
    });

    it('reads text that only looks like a placeholder as itself: an api key named sealed:v2:0 stalls no reader', async () => {
      const accountId = randomUUID();
      const lookalike = 'sealed:v2:0';
      // In a field that is not personal, in an event with a seal of its own and in one without any; and as
      // a personal value (a User-Agent header), which is sealed like any other.
      const withSeal: NewEvent = { ...invited(accountId), data: { ...invited(accountId).data, count: lookalike } };
      const withoutSeal: NewEvent = { ...invited(undefined), data: { count: lookalike } };
      const asUserAgent: NewEvent = { ...invited(accountId), metadata: { ...metadata(accountId), userAgent: lookalike } };
      const stream = `party-${randomUUID()}`;
      await store.append(stream, [withSeal, withoutSeal, asUserAgent], 'no_stream');

      const read = await readFully(stream);
      expect(read.map((event) => [event.data.count, event.metadata.userAgent])).toEqual([
        [lookalike, 'Mozilla/5.0 (Party)'],
        [lookalike, 'Mozilla/5.0 (Party)'], // no account: kept as written
        [2, lookalike],
      ]);
      expect(read[0].data.guestEmail).toBe('ada@example.com');
      const fromLog = (await store.readAll()).filter((event) => event.stream === stream);
      expect(fromLog.map((event) => event.data.count)).toEqual([lookalike, lookalike, 2]);
      expect((await rowOf(asUserAgent.id)).metadata.sealed).toEqual(expect.any(String));
    });

    it('reads text shaped like a v1 value under a key id of its own account, which does not open, as itself', async () => {
      const accountId = randomUUID();
      const keyId = (await keys.keyOfAccount(accountId))!.id;
      const lookalike = `sealed:v1:${keyId}:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB`;
      const event: NewEvent = { ...invited(accountId), data: { ...invited(accountId).data, count: lookalike } };
      const stream = `party-${randomUUID()}`;
      await store.append(stream, [event], 'no_stream');
      for (const read of [(await readFully(stream))[0], (await store.readAll()).find((logged) => logged.id === event.id)!])
        expect([read.data.count, read.data.guestEmail]).toEqual([lookalike, 'ada@example.com']);
    });

    it('seals a personal value shaped like a v1 value that does not open like any other, so that erasure reaches it', async () => {
      const accountId = randomUUID();
      const ownKeyId = (await keys.keyOfAccount(accountId))!.id;
      const lookalikes = [
        'sealed:v1:no-such-key:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB',
        `sealed:v1:${ownKeyId}:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB`,
        `sealed:v1:${ownKeyId}:CCCCCCCCCCCCCCCC:DDDDDDDDDDDDDDDDDDDDDDDD`,
      ];
      const event: NewEvent = {
        ...invited(accountId),
        data: { ...invited(accountId).data, guestEmail: lookalikes[0], note: { body: lookalikes[1] } },
        metadata: { ...metadata(accountId), userAgent: lookalikes[2] },
      };
      const stream = `party-${randomUUID()}`;
      await store.append(stream, [event], 'no_stream');

      const stored = JSON.stringify(await rowOf(event.id));
      for (const lookalike of lookalikes) expect(stored).not.toContain(lookalike);
      const [read] = await readFully(stream);
      expect([read.data.guestEmail, (read.data.note as { body: string }).body, read.metadata.userAgent]).toEqual(lookalikes);
      await keys.destroy(accountId);
      const [erased] = await readFully(stream);
      expect([erased.data.guestEmail, (erased.data.note as { body: string }).body, erased.metadata.userAgent]).toEqual([
        ERASED,
        ERASED,
        ERASED,
      ]);
    });

    it('keeps the v1 values it sealed itself as they are, when the history migration passes them again', async () => {
      const event = await invitedV1(randomUUID());
      expect(await store.sealEvent(event)).toEqual(event);
    });

    it('seals an event already sealed as it is: the history migration finds nothing to rewrite', async () => {
      const stream = `party-${randomUUID()}`;
      await store.append(stream, [invited(randomUUID())], 'no_stream');
      const [raw] = await store.readStream(stream, { raw: true });
      const { prevHash: _prev, hash: _hash, ...written } = raw.metadata;
      const stored: NewEvent = { id: raw.id, type: raw.type, schemaVersion: raw.schemaVersion, data: raw.data, metadata: written };
      expect(await store.sealEvent(stored)).toEqual(stored);
    });
  });
});
