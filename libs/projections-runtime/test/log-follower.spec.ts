import { randomUUID } from 'node:crypto';
import { PGliteDatabase, SqlDatabase } from '@app/database';
import { NewEvent, RecordedEvent } from '@app/event-store';
import { PostgresEventStore } from '@app/event-store-pg';
import { LogFollower, LogFollowerOptions } from '@app/projections';

function happened(type: string): NewEvent {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    data: {},
    metadata: { actor: { kind: 'system', id: 'test' }, correlationId: randomUUID(), occurredAt: '2026-01-05T09:00:00.000Z' },
  };
}

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (const started = Date.now(); !check();) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('log follower', () => {
  let db: SqlDatabase;
  let store: PostgresEventStore;
  let follower: LogFollower | undefined;
  let seen: RecordedEvent[];
  let gaps: number;
  let errors: string[];

  beforeEach(async () => {
    db = await PGliteDatabase.open();
    // a handler that throws fails the subscription at once
    store = await PostgresEventStore.create(db, { subscriptions: { pollIntervalMs: 20, handlerRetries: 0 } });
    seen = [];
    gaps = 0;
    errors = [];
  });
  afterEach(async () => {
    await follower?.stop();
    await store.close();
    await db.close();
  });

  function follow(options: Partial<LogFollowerOptions> = {}): LogFollower {
    follower = new LogFollower(store, {
      name: 'member cache',
      typePrefixes: ['member.'],
      onEvent: (event) => void seen.push(event),
      onGap: () => gaps++,
      onError: (message) => void errors.push(message),
      resubscribeDelayMs: 10,
      ...options,
    });
    return follower;
  }

  it('follows from the head: only matching events appended after start, in log order', async () => {
    await store.append(`member-${randomUUID()}`, [happened('member.joined')], 'no_stream');
    await follow().start();

    const target = `member-${randomUUID()}`;
    await store.append(target, [happened('member.joined'), happened('member.left')], 'no_stream');
    await store.append(`order-${randomUUID()}`, [happened('order.placed')], 'no_stream');
    await eventually(() => seen.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(seen.map((event) => [event.stream, event.type])).toEqual([
      [target, 'member.joined'],
      [target, 'member.left'],
    ]);
    expect(gaps).toBe(0);
  });

  it('after its subscription fails: drops what the log kept current, says why, and resubscribes from the last event seen', async () => {
    let failures = 1;
    await follow({
      onEvent: (event) => {
        if (event.type === 'member.left' && failures-- > 0) throw new Error('cache unavailable');
        seen.push(event);
      },
    }).start();

    const target = `member-${randomUUID()}`;
    await store.append(target, [happened('member.joined'), happened('member.left'), happened('member.rejoined')], 'no_stream');
    await eventually(() => seen.length >= 3);

    expect(seen.map((event) => event.type)).toEqual(['member.joined', 'member.left', 'member.rejoined']);
    expect(gaps).toBe(1);
    expect(errors).toEqual(['member cache stopped following the event log; resubscribing']);
  });

  it('delivers nothing once stopped', async () => {
    await follow().start();
    await follower!.stop();

    await store.append(`member-${randomUUID()}`, [happened('member.joined')], 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(seen).toEqual([]);
  });
});
