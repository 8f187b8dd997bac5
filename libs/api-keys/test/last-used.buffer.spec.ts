import { LastUsedBuffer } from '@app/api-keys';
import { PGliteDatabase } from '@app/database';

describe('last-used buffer', () => {
  let db: PGliteDatabase;
  const lastUsed = async (keyId: string) =>
    (
      await db.query<{ last_used_at: Date }>('SELECT last_used_at FROM api_key_last_used WHERE key_id = $1', [keyId])
    ).rows[0]?.last_used_at.toISOString();
  const at = (instant: string) => Date.parse(instant);

  beforeAll(async () => {
    db = await PGliteDatabase.open();
  });

  afterAll(() => db.close());

  it('writes nothing until it flushes, then the minute of the use', async () => {
    const buffer = new LastUsedBuffer(db, { flushIntervalMs: 60_000 });
    await buffer.start();
    buffer.record('key-a', at('2026-01-05T09:07:42.123Z'));
    buffer.record('key-a', at('2026-01-05T09:07:59.999Z'));
    expect(await lastUsed('key-a')).toBeUndefined();
    await buffer.flush();
    expect(await lastUsed('key-a')).toBe('2026-01-05T09:07:00.000Z');
    await buffer.stop();
  });

  it('flushes on its own within the interval', async () => {
    const buffer = new LastUsedBuffer(db, { flushIntervalMs: 100 });
    await buffer.start();
    buffer.record('key-b', at('2026-01-05T09:08:10.000Z'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await lastUsed('key-b')).toBe('2026-01-05T09:08:00.000Z');
    await buffer.stop();
  });

  it('only moves forward, whichever instance flushes last', async () => {
    const instanceOne = new LastUsedBuffer(db, { flushIntervalMs: 60_000 });
    const instanceTwo = new LastUsedBuffer(db, { flushIntervalMs: 60_000 });
    await instanceOne.start();
    await instanceTwo.start();
    instanceOne.record('key-c', at('2026-01-05T09:10:30.000Z'));
    instanceTwo.record('key-c', at('2026-01-05T09:09:30.000Z'));
    await instanceOne.flush();
    await instanceTwo.flush();
    expect(await lastUsed('key-c')).toBe('2026-01-05T09:10:00.000Z');
    instanceTwo.record('key-c', at('2026-01-05T09:11:01.000Z'));
    await instanceTwo.flush();
    expect(await lastUsed('key-c')).toBe('2026-01-05T09:11:00.000Z');
    await instanceOne.stop();
    await instanceTwo.stop();
  });

  it('writes what is pending when it stops', async () => {
    const buffer = new LastUsedBuffer(db, { flushIntervalMs: 60_000 });
    await buffer.start();
    buffer.record('key-d', at('2026-01-05T09:12:00.000Z'));
    await buffer.stop();
    expect(await lastUsed('key-d')).toBe('2026-01-05T09:12:00.000Z');
  });
});
