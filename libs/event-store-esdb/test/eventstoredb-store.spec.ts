import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  NewEvent,
  RecordedEvent,
  UpcasterRegistry,
  WrongExpectedRevisionError,
  verifyChain,
} from '@app/event-store';
import { EventStoreDbStore } from '@app/event-store-esdb';
import { eventStoreContract } from '../../event-store/test/event-store.contract';
import { InMemoryEsdbClient } from './in-memory-esdb-client';

/**
 * The adapter's own logic over an in-memory stand-in for the client (see in-memory-esdb-client.ts):
 * chain links under every expected-revision mode, retries, paging of `$all`, and a subscription that
 * survives connection loss. The server itself is exercised by esdb.contract.spec.ts.
 */
function event(type = 'account.registered', data: Record<string, unknown> = { n: 1 }): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: { kind: 'system', id: 'test' }, correlationId: 'c-1', occurredAt: '2025-01-01T00:00:00.000Z' },
  };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('EventStoreDB adapter over an in-memory stand-in for the client', () => {
  let server: InMemoryEsdbClient;
  let store: EventStoreDbStore;

  beforeEach(() => {
    server = new InMemoryEsdbClient();
    store = new EventStoreDbStore(server.asClient(), {
      allPageSize: 3,
      subscriptions: { handlerRetries: 2, retryDelayMs: 5, maxRetryDelayMs: 20, maxReconnectAttempts: 3 },
    });
  });
  afterEach(() => store.close());

  describe('append', () => {
    it('links every event to the one before it, across appends in every mode', async () => {
      await store.append('acc-1', [event(), event()], 'no_stream');
      await store.append('acc-1', [event()], 1);
      await store.append('acc-1', [event()], 'stream_exists');
      await store.append('acc-1', [event()], 'any');
      const stored = await store.readStream('acc-1', { raw: true });
      expect(stored.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
      expect(verifyChain(stored)).toEqual({ intact: true, events: 5 });
    });

    it('keeps the chain linked when `any` appends race each other', async () => {
      await Promise.all(Array.from({ length: 8 }, () => store.append('acc-race', [event()], 'any')));
      const stored = await store.readStream('acc-race', { raw: true });
      expect(stored).toHaveLength(8);
      expect(verifyChain(stored).intact).toBe(true);
    });

    it('reports the revision and exact position of the last event written', async () => {
      const result = await store.append('acc-2', [event(), event()], 'no_stream');
      const [last] = await store.readStream('acc-2', { direction: 'backwards', maxCount: 1 });
      expect(result).toEqual({ nextExpectedRevision: 1, position: last.position });
      expect(result.position).toBeGreaterThan(2n ** 53n);
    });

    it('refuses a wrong expectation with the actual revision (-1 for no stream)', async () => {
      await expect(store.append('acc-3', [event()], 0)).rejects.toMatchObject({ actual: -1, expected: 0 });
      await expect(store.append('acc-3', [event()], 'stream_exists')).rejects.toMatchObject({ actual: -1 });
      await store.append('acc-3', [event(), event()], 'no_stream');
      await expect(store.append('acc-3', [event()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(store.append('acc-3', [event()], 0)).rejects.toMatchObject({ stream: 'acc-3', expected: 0, actual: 1 });
      await expect(store.append('acc-3', [event()], 5)).rejects.toMatchObject({ expected: 5, actual: 1 });
    });

    it('turns a retry of the same events at the same place into a no-op returning the original result', async () => {
      const events = [event(), event()];
      const first = await store.append('acc-4', events, 'no_stream');
      await store.append('acc-4', [event()], 1);
      expect(await store.append('acc-4', events, 'no_stream')).toEqual(first);
      const second = [event()];
      const original = await store.append('acc-4', second, 2);
      expect(await store.append('acc-4', second, 2)).toEqual(original);
      expect(await store.readStream('acc-4')).toHaveLength(4);
    });

    it('refuses one id twice in a batch, and an id that is not a UUID, before writing anything', async () => {
      const twice = event();
      await expect(store.append('acc-5', [twice, { ...twice }], 'no_stream')).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(store.append('acc-5', [{ ...event(), id: 'not-a-uuid' }], 'no_stream')).rejects.toThrow(TypeError);
      expect(await store.readStream('acc-5')).toEqual([]);
    });

    it('answers an empty append with the current revision when the expectation holds', async () => {
      expect(await store.append('acc-8', [], 'no_stream')).toEqual({ nextExpectedRevision: -1, position: 0n });
      const written = await store.append('acc-8', [event()], 'no_stream');
      expect(await store.append('acc-8', [], 0)).toEqual(written);
      await expect(store.append('acc-8', [], 'no_stream')).rejects.toMatchObject({ actual: 0 });
    });

    it('treats a retry of the latest `any` append as a no-op, as the server does on a best-effort basis', async () => {
      const events = [event()];
      const first = await store.append('acc-6', events, 'any');
      expect(await store.append('acc-6', events, 'any')).toEqual(first);
      expect(await store.readStream('acc-6')).toHaveLength(1);
    });
  });

  describe('reads', () => {
    it('reads a stream forwards and backwards from an inclusive revision; a missing stream is empty', async () => {
      await store.append('acc-7', [event(), event(), event(), event()], 'no_stream');
      expect((await store.readStream('acc-7', { fromRevision: 1, maxCount: 2 })).map((e) => e.revision)).toEqual([1, 2]);
      expect((await store.readStream('acc-7', { direction: 'backwards' })).map((e) => e.revision)).toEqual([3, 2, 1, 0]);
      expect((await store.readStream('acc-7', { direction: 'backwards', fromRevision: 1 })).map((e) => e.revision)).toEqual([1, 0]);
      expect(await store.readStream('nobody')).toEqual([]);
    });

    it('reads $all across pages without system events, strictly after a position, by type prefix', async () => {
      await store.append('a', [event('account.registered'), event('billing.charged')], 'no_stream');
      server.writeSystemEvent();
      await store.append('b', [event('account.locked'), event('billing.refunded'), event('account.unlocked')], 'no_stream');
      const all = await store.readAll();
      expect(all.map((e) => e.type)).toEqual([
        'account.registered',
        'billing.charged',
        'account.locked',
        'billing.refunded',
        'account.unlocked',
      ]);
      expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((x, y) => (x < y ? -1 : 1)));
      expect((await store.readAll({ after: all[1].position })).map((e) => e.type)).toEqual([
        'account.locked',
        'billing.refunded',
        'account.unlocked',
      ]);
      expect((await store.readAll({ typePrefixes: ['account.'], maxCount: 2 })).map((e) => e.type)).toEqual([
        'account.registered',
        'account.locked',
      ]);
      expect(await store.readAll({ after: all[4].position })).toEqual([]);
      expect(await store.readAll({ typePrefixes: [] })).toEqual([]);
    });

    it('filters $all reads by type on the server: a read receives what it returns, not the whole log', async () => {
      await store.append('a', [event('account.registered')], 'no_stream');
      for (let i = 0; i < 20; i++) server.writeForeignEvent(`orders-${i}`);
      await store.append(
        'billing-1',
        Array.from({ length: 20 }, () => event('billing.charged')),
        'no_stream',
      );
      await store.append('b', [event('account.locked')], 'no_stream');
      const sentBefore = server.allEventsSent;
      const read = await store.readAll({ typePrefixes: ['account.'] });
      expect(read.map((e) => e.type)).toEqual(['account.registered', 'account.locked']);
      expect(server.allEventsSent - sentBefore).toBe(2);
      const after = server.allEventsSent;
      expect((await store.readAll({ typePrefixes: ['account.'], after: read[0].position })).map((e) => e.type)).toEqual(['account.locked']);
      expect(server.allEventsSent - after).toBe(1);
    });

    it('skips events another application wrote to the same server', async () => {
      await store.append('a', [event('account.registered')], 'no_stream');
      server.writeForeignEvent();
      server.writeForeignEvent('orders-2', 'account.imported');
      await store.append('b', [event('account.locked')], 'no_stream');
      expect((await store.readAll()).map((e) => e.type)).toEqual(['account.registered', 'account.locked']);
      expect((await store.readAll({ typePrefixes: ['account.'] })).map((e) => e.type)).toEqual(['account.registered', 'account.locked']);
    });

    it('reports the head as the position of the last event that is not the server’s own', async () => {
      expect(await store.headPosition()).toBe(0n);
      const { position } = await store.append('c', [event()], 'no_stream');
      for (let i = 0; i < 4; i++) server.writeSystemEvent();
      expect(await store.headPosition()).toBe(position);
    });

    it('upcasts old schema versions on read, and leaves them as stored on a raw read', async () => {
      const upcasters = new UpcasterRegistry([
        { type: 'account.registered', fromVersion: 1, upcast: (data) => ({ ...data, plan: 'free' }) },
      ]);
      const upcasting = new EventStoreDbStore(server.asClient(), { upcasters });
      await upcasting.append('d', [event('account.registered', { n: 1 })], 'no_stream');
      expect((await upcasting.readStream('d'))[0]).toMatchObject({ schemaVersion: 2, data: { n: 1, plan: 'free' } });
      expect((await upcasting.readAll())[0]).toMatchObject({ schemaVersion: 2 });
      expect((await upcasting.readStream('d', { raw: true }))[0]).toMatchObject({ schemaVersion: 1, data: { n: 1 } });
    });
  });

  describe('subscribeToAll', () => {
    it('catches up after the checkpoint, then follows live, one event at a time', async () => {
      const first = await store.append('e', [event('account.registered'), event('billing.charged')], 'no_stream');
      const seen: RecordedEvent[] = [];
      let inFlight = 0;
      let overlapped = false;
      const subscription = store.subscribeToAll({ after: first.position - 1n, typePrefixes: ['billing.', 'account.'] }, async (e) => {
        overlapped ||= ++inFlight > 1;
        await new Promise((resolve) => setTimeout(resolve, 2));
        seen.push(e);
        inFlight--;
      });
      await store.append('e', [event('account.locked'), event('other.thing'), event('billing.refunded')], 1);
      await until(() => seen.length === 3);
      await subscription.stop();
      expect(seen.map((e) => e.type)).toEqual(['billing.charged', 'account.locked', 'billing.refunded']);
      expect(overlapped).toBe(false);
    });

    it('skips another application’s events, caught up or live, and goes on with the next of ours', async () => {
      await store.append('f', [event('account.registered')], 'no_stream');
      server.writeForeignEvent();
      const seen: string[] = [];
      const subscription = store.subscribeToAll({}, async (e) => void seen.push(e.type));
      await until(() => seen.length === 1);
      server.writeForeignEvent('orders-2', 'account.imported');
      await store.append('f', [event('account.locked')], 0);
      await until(() => seen.length === 2);
      await subscription.stop();
      expect(seen).toEqual(['account.registered', 'account.locked']);
    });

    it('reconnects after a dropped connection and resumes after the last handled event, without gaps or repeats', async () => {
      const seen: string[] = [];
      const subscription = store.subscribeToAll({}, async (e) => void seen.push(e.id));
      const before = [event(), event()];
      await store.append('f', before, 'no_stream');
      await until(() => seen.length === 2);
      server.dropConnections();
      const after = [event(), event()];
      await store.append('f', after, 1);
      await until(() => seen.length === 4);
      await subscription.stop();
      expect(seen).toEqual([...before, ...after].map((e) => e.id));
      expect(server.subscriptionsOpened).toBe(2);
    });

    it('fails for good, for health reporting, when the server stays unreachable', async () => {
      const subscription = store.subscribeToAll({}, async () => undefined);
      server.goDown();
      const error = await subscription.failed;
      expect(error.message).toBeDefined();
      expect(server.subscriptionsOpened).toBe(3);
      await subscription.stop();
    });

    it('retries a throwing handler in place, then fails for good without reconnecting, the event left unhandled', async () => {
      await store.append('g', [event(), event(), event()], 'no_stream');
      const handled: number[] = [];
      let attemptsAtOne = 0;
      const subscription = store.subscribeToAll({}, async (e) => {
        if (e.revision === 1 && ++attemptsAtOne) throw new Error('read model down');
        handled.push(e.revision);
      });
      expect((await subscription.failed).message).toBe('read model down');
      expect(handled).toEqual([0]);
      expect(attemptsAtOne).toBe(3);
      expect(server.subscriptionsOpened).toBe(1);
    });

    it('stops only once the handler in flight has settled', async () => {
      let finished = false;
      let started = false;
      const subscription = store.subscribeToAll({}, async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
      });
      await store.append('h', [event()], 'no_stream');
      await until(() => started);
      await subscription.stop();
      expect(finished).toBe(true);
    });
  });
});

// The shared contract over the stand-in: catches the adapter's own mistakes here, where no server runs.
// It says nothing about the real server; esdb.contract.spec.ts does, when EVENTSTORE_CONNECTION_STRING is set.
eventStoreContract('EventStoreDB adapter over the in-memory client stand-in (not a server)', async ({ upcasters }) => {
  const store = new EventStoreDbStore(new InMemoryEsdbClient().asClient(), {
    upcasters,
    subscriptions: { retryDelayMs: 20, maxRetryDelayMs: 200 },
  });
  return { store, teardown: () => store.close() };
});
