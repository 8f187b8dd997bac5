import { PGliteDatabase } from '@app/database';
import { ConcurrencyConflictError, CommandRunner, Decider, DomainEvent, EventCatalog, RequestContext } from '@app/ddd';
import { EventStore, WrongExpectedRevisionError } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store-pg';
import { toErrorResponse } from '@app/http';

type Deposited = DomainEvent<'counter.incremented', { by: number }>;
interface Increment {
  readonly by: number;
  readonly max: number;
}

/** A counter that refuses to pass `max`: the decision depends on the state, so a retry must re-decide. */
const counter: Decider<Increment, number, Deposited> = {
  initialState: 0,
  evolve: (total, event) => total + event.data.by,
  decide: (command, total) => {
    if (total + command.by > command.max) throw new Error(`would pass ${command.max}`);
    return [{ type: 'counter.incremented', data: { by: command.by } }];
  },
};

const context: RequestContext = { actor: { kind: 'account', id: 'a-1' }, correlationId: 'corr-1', ip: '10.0.0.1', userAgent: 'spec' };
const now = new Date('2026-01-05T09:00:00.000Z');

describe('command runner', () => {
  let db: PGliteDatabase;
  let store: PostgresEventStore;
  let runner: CommandRunner;

  beforeAll(async () => {
    db = await PGliteDatabase.open();
    store = await PostgresEventStore.create(db);
    runner = new CommandRunner(store, new EventCatalog().register({ 'counter.incremented': 2, 'counter.reset': 1 }));
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('appends the decided events with the catalog version and the request metadata', async () => {
    const outcome = await runner.run('counter-meta', counter, { by: 2, max: 10 }, context, { accountId: 'a-1', occurredAt: now });
    expect(outcome).toMatchObject({ state: 2, revision: 0 });
    const [event] = await store.readStream('counter-meta');
    expect(event).toMatchObject({ type: 'counter.incremented', schemaVersion: 2, data: { by: 2 } });
    expect(event.metadata).toMatchObject({
      accountId: 'a-1',
      actor: context.actor,
      correlationId: 'corr-1',
      ip: '10.0.0.1',
      userAgent: 'spec',
      occurredAt: now.toISOString(),
    });
  });

  it('decides again on the new state when a concurrent writer got in first', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => runner.run('counter-race', counter, { by: 1, max: 4 }, context, { occurredAt: now })),
    );
    const stream = await store.readStream('counter-race');
    expect(stream).toHaveLength(4);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(4);
    for (const result of results) {
      if (result.status === 'rejected') expect(String(result.reason)).toMatch(/would pass 4|changed concurrently/);
    }
  });

  it('answers conflict (409) after a bounded number of lost races, having written nothing', async () => {
    let attempts = 0;
    const alwaysLosing: EventStore = Object.create(store);
    alwaysLosing.append = async (stream) => {
      attempts++;
      throw new WrongExpectedRevisionError(stream, 'no_stream', 0);
    };
    const losing = new CommandRunner(alwaysLosing, new EventCatalog().register({ 'counter.incremented': 1 }));
    const error = await losing
      .run('counter-lost', counter, { by: 1, max: 10 }, context, { occurredAt: now })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect(attempts).toBe(4);
    expect(toErrorResponse(error)).toEqual({ status: 409, body: { error: 'conflict', message: expect.any(String) } });
    expect(await store.readStream('counter-lost')).toEqual([]);
  });

  it('appends to a fresh stream without reading it, and decides on what is there when it existed after all', async () => {
    const readStream = jest.spyOn(store, 'readStream');
    try {
      const fresh = await runner.run('counter-fresh', counter, { by: 2, max: 10 }, context, { occurredAt: now, freshStream: true });
      expect(fresh).toMatchObject({ state: 2, revision: 0 });
      expect(readStream).not.toHaveBeenCalled();

      // The name was not fresh: refused at no_stream, then read, and the counter's limit holds.
      await expect(
        runner.run('counter-fresh', counter, { by: 9, max: 10 }, context, { occurredAt: now, freshStream: true }),
      ).rejects.toThrow('would pass 10');
      const again = await runner.run('counter-fresh', counter, { by: 3, max: 10 }, context, { occurredAt: now, freshStream: true });
      expect(again).toMatchObject({ state: 5, revision: 1 });
      expect((await store.readStream('counter-fresh')).map((event) => event.data)).toEqual([{ by: 2 }, { by: 3 }]);
    } finally {
      readStream.mockRestore();
    }
  });

  it('refuses an event type the catalog does not know', async () => {
    const unknown: Decider<Increment, number, DomainEvent> = { ...counter, decide: () => [{ type: 'counter.unknown', data: {} }] } as never;
    await expect(runner.run('counter-unknown', unknown, { by: 1, max: 1 }, context, { occurredAt: now })).rejects.toThrow(
      'not in the catalog',
    );
  });
  it('folds a remembered stream once: later loads read only the events after the kept fold, and see another writer at once', async () => {
    const remembered: Decider<Increment, number, Deposited> = { ...counter, remembered: true };
    const appendDirectly = (by: number, previous: number) =>
      store.append(
        'counter-old',
        runner.toNewEvents([{ type: 'counter.incremented', data: { by } }], context, { occurredAt: now }),
        previous < 0 ? 'no_stream' : previous,
      );
    for (let revision = 0; revision < 200; revision++) await appendDirectly(1, revision - 1);
    const reads: Array<number | undefined> = [];
    const readStream = store.readStream.bind(store);
    const spy = jest.spyOn(store, 'readStream').mockImplementation(async (stream, options) => {
      const events = await readStream(stream, options);
      if (stream === 'counter-old') reads.push(events.length);
      return events;
    });
    try {
      expect((await runner.load('counter-old', remembered)).state).toBe(200);
      await runner.run('counter-old', remembered, { by: 5, max: 1_000 }, context, { occurredAt: now });
      // Another process appends: the next load reads that one event and folds it onto the kept state.
      await appendDirectly(2, 200);
      const { state, revision } = await runner.load('counter-old', remembered);
      expect({ state, revision }).toEqual({ state: 207, revision: 201 });
      expect(reads).toEqual([200, 0, 1]);
    } finally {
      spy.mockRestore();
    }
  });

  it('loads a tail stream from its newest fresh start, reading a short page first and the rest only when needed', async () => {
    type Counted = Deposited | DomainEvent<'counter.reset', object>;
    const tailed: Decider<Increment, number, Counted> = {
      initialState: 0,
      evolve: (total, event) => (event.type === 'counter.reset' ? 0 : total + event.data.by),
      decide: () => [],
      tail: { maxEvents: 64, startsAfresh: (event) => event.type === 'counter.reset' },
    };
    const write = async (stream: string, types: ReadonlyArray<'counter.incremented' | 'counter.reset'>) => {
      const events = types.map((type) => (type === 'counter.reset' ? { type, data: {} } : { type, data: { by: 1 } }));
      await store.append(stream, runner.toNewEvents(events, context, { occurredAt: now }), 'no_stream');
    };
    const ones = (count: number) => Array.from({ length: count }, () => 'counter.incremented' as const);
    await write('tail-reset-last', [...ones(200), 'counter.reset']);
    await write('tail-reset-deep', [...ones(200), 'counter.reset', ...ones(10)]);
    await write('tail-no-reset', ones(200));
    await write('tail-short', ones(3));
    const reads: Array<{ stream: string; rows: number }> = [];
    const readStream = store.readStream.bind(store);
    const spy = jest.spyOn(store, 'readStream').mockImplementation(async (stream, options) => {
      const events = await readStream(stream, options);
      reads.push({ stream, rows: events.length });
      return events;
    });
    try {
      const loaded = async (stream: string) => {
        reads.length = 0;
        const { state, revision } = await runner.load(stream, tailed);
        return { state, revision, rowsRead: reads.map((read) => read.rows) };
      };
      expect(await loaded('tail-reset-last')).toEqual({ state: 0, revision: 200, rowsRead: [4] });
      expect(await loaded('tail-reset-deep')).toEqual({ state: 10, revision: 210, rowsRead: [4, 60] });
      // No fresh start within the tail: the last 64 events decide, as the decider's contract says.
      expect(await loaded('tail-no-reset')).toEqual({ state: 64, revision: 199, rowsRead: [4, 60] });
      expect(await loaded('tail-short')).toEqual({ state: 3, revision: 2, rowsRead: [3] });
    } finally {
      spy.mockRestore();
    }
  });
});
