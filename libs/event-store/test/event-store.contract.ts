import { randomUUID } from 'node:crypto';
import {
  AppendResult,
  EventData,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  MetadataField,
  NewEvent,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  Upcaster,
  UpcasterRegistry,
  verifyStreamIntegrity,
  WrongExpectedRevisionError,
} from '@app/event-store';

/**
 * The behaviour every event store adapter promises (design.md, "Event store contract"). An adapter's
 * spec calls `eventStoreContract` with a setup that builds the store over a fresh or shared server.
 * Tests use random stream names and a per-run type namespace, so runs sharing a server do not collide,
 * and they never truncate anything.
 */

/** An append whose transaction is still open; PostgreSQL only (see `beginConcurrentAppend`). */
export interface PendingAppend {
  readonly result: AppendResult;
  /** Ends the transaction; calling either again afterwards does nothing. */
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface ContractSubject {
  readonly store: EventStore;
  teardown(): Promise<void>;
  /** Overwrites the stored data of one event behind the store's back (for the `tamper` feature). */
  tamper?(stream: string, revision: number, newData: Record<string, unknown>): Promise<void>;
  /**
   * Appends through the store in a transaction left open until `commit()` (for the
   * `concurrentWriters` feature): the way to make the append with the lower position commit last.
   */
  beginConcurrentAppend?(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<PendingAppend>;
}

/** What the contract hands to the setup: the store must upcast with these. */
export interface ContractContext {
  readonly upcasters: UpcasterRegistry;
}

/** Declared up front so the tests that need a hook are registered, or visibly skipped. */
export interface ContractFeatures {
  /** The subject implements `tamper`. */
  readonly tamper?: boolean;
  /** Several connections write at once (PostgreSQL); the subject implements `beginConcurrentAppend`. */
  readonly concurrentWriters?: boolean;
}

/** An old event type: v1 `{title}`, v2 `{fullTitle}`, v3 `{fullTitle, shortTitle}` (no personal-looking names: see the erasure seam). */
export const CONTRACT_UPCAST_TYPE = 'contract.profile_renamed';

export const contractUpcasters: readonly Upcaster[] = [
  { type: CONTRACT_UPCAST_TYPE, fromVersion: 1, upcast: (data) => ({ fullTitle: data.title }) },
  {
    type: CONTRACT_UPCAST_TYPE,
    fromVersion: 2,
    upcast: (data) => ({ ...data, shortTitle: String(data.fullTitle).split(' ')[0] }),
  },
];

export function eventStoreContract(
  name: string,
  setup: (context: ContractContext) => Promise<ContractSubject>,
  features: ContractFeatures = {},
): void {
  const namespace = `contract${randomUUID().slice(0, 8)}`;
  const stream = (label: string): string => `${namespace}-${label}-${randomUUID()}`;
  const type = (suffix: string): string => `${namespace}.${suffix}`;
  const metadata = (): EventMetadata => ({
    accountId: randomUUID(),
    actor: { kind: 'system', id: 'event-store-contract' },
    correlationId: randomUUID(),
    ip: '198.51.100.23',
    userAgent: 'contract-client/1.0',
    occurredAt: '2025-01-02T03:04:05.000Z',
  });
  const event = (eventType = type('thing.happened'), data: EventData = { n: 1 }, schemaVersion = 1): NewEvent => ({
    id: randomUUID(),
    type: eventType,
    schemaVersion,
    data,
    metadata: metadata(),
  });
  const events = (count: number, eventType?: string): NewEvent[] => Array.from({ length: count }, (_, n) => event(eventType, { n }));

  const itWhen =
    (enabled: boolean | undefined, missing: string) =>
    (title: string, test: jest.ProvidesCallback, timeout?: number): void =>
      enabled ? it(title, test, timeout) : it.skip(`${title} [skipped: ${name} has no ${missing}]`, test, timeout);

  describe(`event store contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    const subscriptions: Subscription[] = [];
    const pendingAppends: PendingAppend[] = [];

    beforeAll(async () => {
      subject = await setup({ upcasters: new UpcasterRegistry(contractUpcasters) });
      store = subject.store;
    });
    afterEach(async () => {
      // A failed assertion must not leave a transaction open (it would hold the teardown forever).
      await Promise.all(pendingAppends.splice(0).map((pending) => pending.rollback()));
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    });
    afterAll(async () => {
      await subject?.teardown();
    });

    async function beginConcurrentAppend(target: string, batch: readonly NewEvent[], expected: ExpectedRevision): Promise<PendingAppend> {
      const pending = await subject.beginConcurrentAppend!(target, batch, expected);
      pendingAppends.push(pending);
      return pending;
    }

    /** Collects what a subscription delivers, optionally only from some streams. */
    function collect(options: SubscribeOptions, onlyStreams?: readonly string[]) {
      const received: RecordedEvent[] = [];
      const subscription = store.subscribeToAll(options, async (recorded) => {
        if (!onlyStreams || onlyStreams.includes(recorded.stream)) received.push(recorded);
      });
      subscriptions.push(subscription);
      return { received, subscription };
    }

    async function appendRejection(
      target: string,
      batch: readonly NewEvent[],
      expected: ExpectedRevision,
    ): Promise<WrongExpectedRevisionError> {
      const error = await store.append(target, batch, expected).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      return error as WrongExpectedRevisionError;
    }

    describe('append with an expected revision', () => {
      it('starts a stream with no_stream: revisions from 0, global positions increasing, everything kept', async () => {
        const target = stream('new');
        const batch = [event(type('account.registered'), { plan: 'basic' }), event(type('account.verified'), {}, 2)];

        const result = await store.append(target, batch, 'no_stream');

        const stored = await store.readStream(target);
        expect(result.nextExpectedRevision).toBe(1);
        expect(stored.map((e) => [e.id, e.stream, e.revision, e.type, e.schemaVersion, e.data])).toEqual(
          batch.map((e, revision) => [e.id, target, revision, e.type, e.schemaVersion, e.data]),
        );
        expect(stored.map((e) => e.metadata)).toEqual(batch.map((e) => expect.objectContaining(e.metadata)));
        expect(typeof stored[0].position).toBe('bigint');
        expect(stored[1].position).toBeGreaterThan(stored[0].position);
        expect(result.position).toBe(stored[1].position);
      });

      it('rejects no_stream when the stream exists, reporting its last revision, and writes nothing', async () => {
        const target = stream('exists');
        await store.append(target, events(2), 'no_stream');

        const error = await appendRejection(target, events(1), 'no_stream');

        expect([error.stream, error.expected, error.actual]).toEqual([target, 'no_stream', 1]);
        expect(await store.readStream(target)).toHaveLength(2);
      });

      it('rejects stream_exists on a missing stream (actual -1) and appends after the last event otherwise', async () => {
        const target = stream('must-exist');

        const error = await appendRejection(target, events(1), 'stream_exists');
        expect([error.expected, error.actual]).toEqual(['stream_exists', -1]);
        expect(await store.readStream(target)).toEqual([]);

        await store.append(target, events(1), 'no_stream');
        const result = await store.append(target, events(2), 'stream_exists');
        expect(result.nextExpectedRevision).toBe(2);
      });

      it('rejects an exact revision that is not the last one, in either direction, and on a missing stream', async () => {
        const target = stream('exact');
        expect((await appendRejection(target, events(1), 0)).actual).toBe(-1);
        await store.append(target, events(3), 'no_stream');

        expect((await appendRejection(target, events(1), 1)).actual).toBe(2);
        expect((await appendRejection(target, events(1), 5)).actual).toBe(2);
        const result = await store.append(target, events(1), 2);

        expect(result.nextExpectedRevision).toBe(3);
        expect((await store.readStream(target)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      });

      it('appends with any at the end of a stream, existing or not', async () => {
        const target = stream('any');
        expect((await store.append(target, events(2), 'any')).nextExpectedRevision).toBe(1);
        expect((await store.append(target, events(1), 'any')).nextExpectedRevision).toBe(2);
        expect(await store.readStream(target)).toHaveLength(3);
      });

      it('lets exactly one of many concurrent appends with the same expected revision win', async () => {
        const target = stream('race');
        await store.append(target, events(1), 'no_stream');

        const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => store.append(target, events(2), 0)));

        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(7);
        for (const error of lost) {
          expect(error).toBeInstanceOf(WrongExpectedRevisionError);
          expect((error as WrongExpectedRevisionError).actual).toBe(2);
        }
        expect((await store.readStream(target)).map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('lets exactly one of many concurrent no_stream appends create the stream (a uniqueness reservation)', async () => {
        const target = stream('reservation');

        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, n) => store.append(target, [event(type('email.reserved'), { n })], 'no_stream')),
        );

        const won = outcomes.flatMap((outcome, n) => (outcome.status === 'fulfilled' ? [n] : []));
        expect(won).toHaveLength(1);
        const stored = await store.readStream(target);
        expect(stored.map((e) => e.data)).toEqual([{ n: won[0] }]);
      });
    });

    describe('idempotent appends by event id', () => {
      it('returns the original result when the same events are appended again with no_stream', async () => {
        const target = stream('retry-new');
        const batch = events(2);
        const original = await store.append(target, batch, 'no_stream');

        const retried = await store.append(target, batch, 'no_stream');

        expect(retried).toEqual(original);
        expect((await store.readStream(target)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
      });

      it('returns the original result for the same events at the same exact revision, even after later appends', async () => {
        const target = stream('retry-exact');
        await store.append(target, events(1), 'no_stream');
        const batch = events(2);
        const original = await store.append(target, batch, 0);
        await store.append(target, events(1), 2);

        const retried = await store.append(target, batch, 0);

        expect(retried).toEqual(original);
        const ids = (await store.readStream(target)).map((e) => e.id);
        expect(ids).toHaveLength(4);
        expect(ids.slice(1, 3)).toEqual(batch.map((e) => e.id));
      });

      it('does not take a partly matching batch for a retry', async () => {
        const target = stream('retry-partial');
        const [first, second] = events(2);
        await store.append(target, [first, second], 'no_stream');

        const error = await appendRejection(target, [first, event()], 'no_stream');

        expect(error.actual).toBe(1);
        expect(await store.readStream(target)).toHaveLength(2);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards from a revision, with a maximum count', async () => {
        const target = stream('read');
        await store.append(target, events(5), 'no_stream');
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream(target, options)).map((e) => e.revision);

        expect(await revisions({})).toEqual([0, 1, 2, 3, 4]);
        expect(await revisions({ fromRevision: 2 })).toEqual([2, 3, 4]);
        expect(await revisions({ fromRevision: 1, maxCount: 2 })).toEqual([1, 2]);
        expect(await revisions({ direction: 'backwards' })).toEqual([4, 3, 2, 1, 0]);
        expect(await revisions({ direction: 'backwards', fromRevision: 3, maxCount: 2 })).toEqual([3, 2]);
        expect(await revisions({ fromRevision: 9 })).toEqual([]);
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('reads the global log after a position, in order, with a maximum count and type prefixes', async () => {
        const prefix = type(`log${randomUUID().slice(0, 6)}`);
        const [s1, s2] = [stream('log-a'), stream('log-b')];
        const first = await store.append(s1, [event(`${prefix}.a.opened`)], 'no_stream');
        const second = await store.append(s2, [event(`${prefix}.b.opened`)], 'no_stream');
        const third = await store.append(s1, [event(`${prefix}.a.closed`)], 0);
        const read = (options: Parameters<EventStore['readAll']>[0]) => store.readAll({ typePrefixes: [prefix], ...options });

        const all = await eventually(
          () => read({}),
          (found) => found.length === 3,
        );

        expect(all.map((e) => e.position)).toEqual([first.position, second.position, third.position]);
        expect((await read({ after: first.position })).map((e) => e.stream)).toEqual([s2, s1]);
        expect((await read({ after: first.position, maxCount: 1 })).map((e) => e.position)).toEqual([second.position]);
        expect((await read({ typePrefixes: [`${prefix}.a.`] })).map((e) => e.type)).toEqual([`${prefix}.a.opened`, `${prefix}.a.closed`]);
        expect(await read({ after: third.position })).toEqual([]);
      });

      it('reads the log with every metadata field a reader names as a whole read gives it, with data or without', async () => {
        const prefix = type(`meta${randomUUID().slice(0, 6)}`);
        const target = stream('meta');
        await store.append(target, [event(`${prefix}.a`), event(`${prefix}.b`)], 'no_stream');
        const whole = await eventually(
          () => store.readAll({ typePrefixes: [prefix] }),
          (found) => found.length === 2,
        );
        const picked = (read: readonly RecordedEvent[], fields: readonly MetadataField[]) =>
          read.map((recorded) => [recorded.position, Object.fromEntries(fields.map((field) => [field, recorded.metadata[field]]))]);

        for (const fields of [['accountId', 'occurredAt'], ['ip', 'userAgent', 'prevHash'], ['hash']] as const) {
          for (const omitData of [false, true]) {
            const read = await store.readAll({ typePrefixes: [prefix], metadataFields: fields, omitData });
            expect(picked(read, fields)).toEqual(picked(whole, fields));
            if (!omitData) expect(read.map((recorded) => recorded.data)).toEqual(whole.map((recorded) => recorded.data));
          }
        }
        expect(whole[1].metadata).toMatchObject({
          ip: '198.51.100.23',
          userAgent: 'contract-client/1.0',
          prevHash: whole[0].metadata.hash,
        });
      });

      it('reports a head position that reaches the last append', async () => {
        const result = await store.append(stream('head'), events(1), 'no_stream');

        const head = await eventually(
          () => store.headPosition(),
          (position) => position >= result.position,
        );

        expect(head).toBeGreaterThanOrEqual(result.position);
      });

      it('gives data back exactly as written: unicode, quotes, backslashes, nesting, numbers, null', async () => {
        const target = stream('data');
        const data = {
          text: 'Zoë says "hi", {brace} [bracket] \\ back\\slash, comma, \'single\' 🎉',
          nested: { list: [1, 2.5, -3, { deep: [true, false, null] }], empty: {}, none: [] },
          big: 9007199254740991,
        };

        await store.append(target, [event(type('data.kept'), data)], 'no_stream');

        expect((await store.readStream(target))[0].data).toEqual(data);
        expect(await verifyStreamIntegrity(store, target)).toEqual({ intact: true, events: 1 });
      });
    });

    describe('subscriptions', () => {
      it('catches up from the start, then delivers live appends in commit order', async () => {
        const prefix = type(`sub${randomUUID().slice(0, 6)}`);
        const [s1, s2] = [stream('sub-a'), stream('sub-b')];
        const history = [events(2, `${prefix}.x`), events(1, `${prefix}.y`)];
        await store.append(s1, history[0], 'no_stream');
        await store.append(s2, history[1], 'no_stream');
        const { received } = collect({ typePrefixes: [prefix] });
        await eventually(
          async () => received.length,
          (count) => count >= 3,
        );

        const live = [event(`${prefix}.y`), event(`${prefix}.x`)];
        await store.append(s2, [live[0]], 0);
        await store.append(s1, [live[1]], 1);
        await eventually(
          async () => received.length,
          (count) => count >= 5,
        );

        expect(received.map((e) => e.id)).toEqual([...history.flat(), ...live].map((e) => e.id));
        expect(isStrictlyIncreasing(received.map((e) => e.position))).toBe(true);
      });

      it('resumes after a checkpoint without delivering it or anything before it again', async () => {
        const prefix = type(`resume${randomUUID().slice(0, 6)}`);
        const target = stream('resume');
        await store.append(target, events(3, `${prefix}.x`), 'no_stream');
        const checkpoint = (await store.readStream(target))[1].position;

        const { received } = collect({ after: checkpoint, typePrefixes: [prefix] });
        await store.append(target, events(1, `${prefix}.x`), 2);

        await eventually(
          async () => received.length,
          (count) => count >= 2,
        );
        await pause(300);
        expect(received.map((e) => e.revision)).toEqual([2, 3]);
      });

      it('hands over one event at a time, and stop() waits for the handler in flight', async () => {
        const prefix = type(`slow${randomUUID().slice(0, 6)}`);
        const target = stream('slow');
        let active = 0;
        let mostActive = 0;
        const started: number[] = [];
        const finished: number[] = [];
        const subscription = store.subscribeToAll({ typePrefixes: [prefix] }, async (recorded) => {
          started.push(recorded.revision);
          mostActive = Math.max(mostActive, ++active);
          await pause(60);
          active--;
          finished.push(recorded.revision);
        });
        subscriptions.push(subscription);
        await store.append(target, events(4, `${prefix}.x`), 'no_stream');
        await eventually(
          async () => started.length,
          (count) => count >= 2,
        );

        await subscription.stop();

        expect(finished).toEqual(started);
        expect(mostActive).toBe(1);
        const deliveredAtStop = started.length;
        await store.append(target, events(1, `${prefix}.x`), 3);
        await pause(400);
        expect(started).toHaveLength(deliveredAtStop);
        expect(started).toEqual([0, 1, 2, 3].slice(0, deliveredAtStop));
      });

      it('retries a handler that throws, then goes on in order', async () => {
        const prefix = type(`retry${randomUUID().slice(0, 6)}`);
        const target = stream('flaky');
        const attempts = new Map<number, number>();
        const handled: number[] = [];
        const subscription = store.subscribeToAll({ typePrefixes: [prefix] }, async (recorded) => {
          const attempt = (attempts.get(recorded.revision) ?? 0) + 1;
          attempts.set(recorded.revision, attempt);
          if (recorded.revision === 0 && attempt <= 2) throw new Error('projection store is busy');
          handled.push(recorded.revision);
        });
        subscriptions.push(subscription);

        await store.append(target, events(2, `${prefix}.x`), 'no_stream');

        await eventually(
          async () => handled.length,
          (count) => count === 2,
          15_000,
        );
        expect(handled).toEqual([0, 1]);
        expect(attempts.get(0)).toBe(3);
        expect(await within(subscription.failed, 50)).toBeUndefined();
      });

      it('fails for good, resolving failed with the error, when the handler keeps throwing', async () => {
        const prefix = type(`broken${randomUUID().slice(0, 6)}`);
        let attempts = 0;
        const subscription = store.subscribeToAll({ typePrefixes: [prefix] }, async () => {
          attempts++;
          throw new Error('read model constraint violated');
        });
        subscriptions.push(subscription);

        await store.append(stream('broken'), events(2, `${prefix}.x`), 'no_stream');

        const failure = await within(subscription.failed, 20_000);
        expect(failure?.message).toBe('read model constraint violated');
        expect(attempts).toBeGreaterThan(1);
        const attemptsAtFailure = attempts;
        await pause(200);
        expect(attempts).toBe(attemptsAtFailure);
      }, 25_000);

      it('with many writers at once, a live subscriber gets every event once, in increasing positions', async () => {
        const prefix = type(`many${randomUUID().slice(0, 6)}`);
        const { received } = collect({ after: await store.headPosition(), typePrefixes: [prefix] });
        const writers = Array.from({ length: 8 }, () => stream('writer'));

        const appended = await Promise.all(
          writers.map(async (target) => {
            const ids: string[] = [];
            let expected: ExpectedRevision = 'no_stream';
            for (let round = 0; round < 15; round++) {
              const batch = events(1 + (round % 3), `${prefix}.x`);
              expected = (await store.append(target, batch, expected)).nextExpectedRevision;
              ids.push(...batch.map((e) => e.id));
            }
            return ids;
          }),
        );

        const total = appended.flat().length;
        await eventually(
          async () => received.length,
          (count) => count >= total,
          15_000,
        );
        expect(received).toHaveLength(total);
        expect(new Set(received.map((e) => e.id))).toEqual(new Set(appended.flat()));
        expect(isStrictlyIncreasing(received.map((e) => e.position))).toBe(true);
        for (const [index, target] of writers.entries()) {
          expect(received.filter((e) => e.stream === target).map((e) => e.id)).toEqual(appended[index]);
        }
      }, 30_000);
    });

    describe('hash chain', () => {
      it('links each event to the previous one of its stream, across appends', async () => {
        const target = stream('chain');
        await store.append(target, events(2), 'no_stream');
        await store.append(target, events(1), 1);
        await store.append(stream('chain-other'), events(1), 'no_stream');

        const stored = await store.readStream(target, { raw: true });

        expect(stored[0].metadata.prevHash).toBeNull();
        expect(stored[1].metadata.prevHash).toBe(stored[0].metadata.hash);
        expect(stored[2].metadata.prevHash).toBe(stored[1].metadata.hash);
        expect(stored.every((e) => /^[0-9a-f]{64}$/.test(e.metadata.hash))).toBe(true);
        expect(await verifyStreamIntegrity(store, target)).toEqual({ intact: true, events: 3 });
      });

      itWhen(features.tamper, 'tamper hook')('detects an event altered in storage, at its revision', async () => {
        const target = stream('tampered');
        await store.append(target, events(4), 'no_stream');

        await subject.tamper!(target, 2, { n: 1000 });

        expect(await verifyStreamIntegrity(store, target)).toEqual({ intact: false, events: 4, firstBrokenRevision: 2 });
      });
    });

    describe('upcasting', () => {
      it('upcasts old schema versions on every read, while raw reads return the stored form', async () => {
        const target = stream('upcast');
        const before = await store.headPosition();
        const old = event(CONTRACT_UPCAST_TYPE, { title: 'Analytical Engine' }, 1);
        const current = event(CONTRACT_UPCAST_TYPE, { fullTitle: 'Difference Engine', shortTitle: 'Difference' }, 3);
        await store.append(target, [old, current], 'no_stream');
        const upcast = { schemaVersion: 3, data: { fullTitle: 'Analytical Engine', shortTitle: 'Analytical' } };
        const { received } = collect({ after: before, typePrefixes: [CONTRACT_UPCAST_TYPE] }, [target]);

        const [read, readCurrent] = await store.readStream(target);
        const [raw] = await store.readStream(target, { raw: true });
        const fromLog = await eventually(
          async () => (await store.readAll({ after: before, typePrefixes: [CONTRACT_UPCAST_TYPE] })).filter((e) => e.stream === target),
          (found) => found.length === 2,
        );
        await eventually(
          async () => received.length,
          (count) => count === 2,
        );

        expect(read).toMatchObject(upcast);
        expect(readCurrent).toMatchObject({ schemaVersion: 3, data: current.data });
        expect(raw).toMatchObject({ schemaVersion: 1, data: { title: 'Analytical Engine' } });
        expect(fromLog[0]).toMatchObject(upcast);
        expect(received[0]).toMatchObject(upcast);
        expect(await verifyStreamIntegrity(store, target)).toEqual({ intact: true, events: 2 });
      });
    });

    describe('concurrent writers', () => {
      const concurrent = itWhen(features.concurrentWriters, 'concurrent writers');

      concurrent('never skips an event whose transaction commits after one with a higher position', async () => {
        const prefix = type(`late${randomUUID().slice(0, 6)}`);
        const [early, late] = [stream('late-commit'), stream('early-commit')];
        const before = await store.headPosition();
        const { received } = collect({ after: before, typePrefixes: [prefix] });

        const held = await beginConcurrentAppend(early, [event(`${prefix}.held`)], 'no_stream');
        const committed = await store.append(late, [event(`${prefix}.committed`)], 'no_stream');
        expect(committed.position).toBeGreaterThan(held.result.position);
        await pause(1000);

        // The higher position is committed, but delivering it now would move the checkpoint past the
        // lower one still in flight: it must wait, and so must the global log and its head.
        expect(received).toEqual([]);
        expect(await store.readAll({ after: before, typePrefixes: [prefix] })).toEqual([]);
        expect(await store.headPosition()).toBeLessThan(held.result.position);

        await held.commit();
        await eventually(
          async () => received.length,
          (count) => count >= 2,
        );
        expect(received.map((e) => [e.stream, e.position])).toEqual([
          [early, held.result.position],
          [late, committed.position],
        ]);
      });

      concurrent('delivers events after a transaction that rolled back, leaving no lasting hole', async () => {
        const prefix = type(`rollback${randomUUID().slice(0, 6)}`);
        const { received } = collect({ after: await store.headPosition(), typePrefixes: [prefix] });

        const held = await beginConcurrentAppend(stream('rolled-back'), [event(`${prefix}.lost`)], 'no_stream');
        const committed = await store.append(stream('kept'), [event(`${prefix}.kept`)], 'no_stream');
        await pause(300);
        expect(received).toEqual([]);
        await held.rollback();

        await eventually(
          async () => received.length,
          (count) => count >= 1,
        );
        expect(received.map((e) => e.position)).toEqual([committed.position]);
      });
    });
  });
}

function isStrictlyIncreasing(positions: readonly bigint[]): boolean {
  return positions.every((position, index) => index === 0 || position > positions[index - 1]);
}

/** The promise's value, or undefined if it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls until `accept` holds or the time is up, and returns the last value for the caller to assert
 * on. The global log may lag an append briefly when other transactions run on the same server.
 */
async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await pause(25);
  }
}
