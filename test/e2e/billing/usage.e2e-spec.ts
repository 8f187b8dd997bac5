import { randomUUID } from 'node:crypto';
import { ManualClock } from '@app/ddd';
import { usageLedgerStream } from '@app/billing';
import { createTestApp, TEST_SERVICE_TOKEN, TestApp } from '@app/test-app';
import { postUsage, usageRecord } from './billing.helpers';

describe('POST /v1/usage (platform backend)', () => {
  const clock = new ManualClock('2026-01-05T09:00:00.000Z');
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ clock });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  const ledger = (accountId: string, period = '2026-01') => app.runtime.eventStore.readStream(usageLedgerStream(accountId, period));
  const recordedKeys = async (accountId: string, period = '2026-01') =>
    (await ledger(accountId, period)).flatMap((event) => (event.data.records as { idempotencyKey: string }[]).map((r) => r.idempotencyKey));

  it('records one record (202) and counts a retry of it as a duplicate', async () => {
    const accountId = randomUUID();
    const record = usageRecord(accountId);
    const first = await postUsage(app, record);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const again = await postUsage(app, record);
    expect(again.json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    expect(await recordedKeys(accountId)).toEqual([record.idempotencyKey]);
  });

  it('counts each idempotency key once under concurrent retries of the same batch', async () => {
    const accountId = randomUUID();
    const other = randomUUID();
    const records = Array.from({ length: 200 }, (_, i) => usageRecord(i % 2 === 0 ? accountId : other, { amountMicros: 1_000 + i }));
    const answers = await Promise.all(Array.from({ length: 8 }, () => postUsage(app, { records })));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(8).fill(202));
    const bodies = answers.map((answer) => answer.json<{ accepted: number; duplicates: number }>());
    expect(bodies.reduce((sum, body) => sum + body.accepted, 0)).toBe(200);
    expect(bodies.reduce((sum, body) => sum + body.duplicates, 0)).toBe(7 * 200);
    const keys = [...(await recordedKeys(accountId)), ...(await recordedKeys(other))];
    expect(keys.sort()).toEqual(records.map((record) => record.idempotencyKey).sort());
  });

  it('files a record by its own period, up to 35 days back', async () => {
    const accountId = randomUUID();
    const late = usageRecord(accountId, { occurredAt: '2025-12-20T23:59:59.000Z' });
    const answer = await postUsage(app, { records: [late, usageRecord(accountId)] });
    expect(answer.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await recordedKeys(accountId, '2025-12')).toEqual([late.idempotencyKey]);
  });

  it('counts a key once per account: a retry whose occurredAt moved to another month is a duplicate', async () => {
    const accountId = randomUUID();
    const december = usageRecord(accountId, { occurredAt: '2025-12-31T23:59:59.000Z', amountMicros: 7_000 });
    const moved = { ...december, occurredAt: '2026-01-01T00:00:01.000Z' };
    expect((await postUsage(app, december)).json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await postUsage(app, moved)).json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });

    // The other way round, in one batch, and under concurrent retries that alternate the month.
    const key = randomUUID();
    const january = usageRecord(accountId, { idempotencyKey: key, occurredAt: '2026-01-02T10:00:00.000Z' });
    const inDecember = { ...january, occurredAt: '2025-12-28T10:00:00.000Z' };
    expect((await postUsage(app, { records: [january, inDecember] })).json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    const racing = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        postUsage(
          app,
          usageRecord(accountId, { idempotencyKey: racing, occurredAt: i % 2 ? '2025-12-29T10:00:00.000Z' : '2026-01-03T10:00:00.000Z' }),
        ),
      ),
    );
    expect(answers.reduce((sum, answer) => sum + answer.json<{ accepted: number }>().accepted, 0)).toBe(1);

    const keys = [...(await recordedKeys(accountId, '2025-12')), ...(await recordedKeys(accountId))];
    expect(keys.sort()).toEqual([december.idempotencyKey, key, racing].sort());
    const totalOf = async (period: string) => {
      const [last] = await app.runtime.eventStore.readStream(usageLedgerStream(accountId, period), { direction: 'backwards', maxCount: 1 });
      return (last.data.totals as { chat: number }).chat;
    };
    expect((await totalOf('2025-12')) + (await totalOf('2026-01'))).toBe(7_000 + 1_500 + 1_500);
  });

  it('refuses a malformed batch with details naming the record and field, and records nothing of it', async () => {
    const accountId = randomUUID();
    const good = usageRecord(accountId);
    const cases: Array<[unknown, string]> = [
      [{ ...usageRecord(accountId), amountMicros: -1 }, 'records[1].amountMicros'],
      [{ ...usageRecord(accountId), amountMicros: 1.5 }, 'records[1].amountMicros'],
      [{ ...usageRecord(accountId), amountMicros: '1500' }, 'records[1].amountMicros'],
      [{ ...usageRecord(accountId), amountMicros: 1e15 }, 'records[1].amountMicros'],
      [{ ...usageRecord(accountId), service: 'music' }, 'records[1].service'],
      [{ ...usageRecord(accountId), occurredAt: '2026-01-06T09:00:00.000Z' }, 'records[1].occurredAt'],
      [{ ...usageRecord(accountId), occurredAt: '2025-11-30T09:00:00.000Z' }, 'records[1].occurredAt'],
      [{ ...usageRecord(accountId), occurredAt: '2026-02-30T09:00:00.000Z' }, 'records[1].occurredAt'],
      [{ ...usageRecord(accountId), idempotencyKey: undefined }, 'records[1].idempotencyKey'],
      [{ ...usageRecord(accountId), extra: true }, 'records[1].extra'],
    ];
    for (const [bad, field] of cases) {
      const answer = await postUsage(app, { records: [good, bad] });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({
        error: 'invalid_request',
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    }
    const tooMany = await postUsage(app, { records: Array.from({ length: 1_001 }, () => usageRecord(accountId)) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().details).toEqual([{ field: 'records', message: 'a batch holds at most 1000 records' }]);
    const single = await postUsage(app, { ...good, amountMicros: -5 });
    expect(single.json().details).toEqual([expect.objectContaining({ field: 'amountMicros' })]);
    expect(await ledger(accountId)).toEqual([]);
  });

  it('refuses records for a closed period: in the batch answer, or 409 period_closed for a single record', async () => {
    const invoiced = randomUUID();
    const quiet = randomUUID();
    await postUsage(app, usageRecord(invoiced, { occurredAt: '2025-12-15T10:00:00.000Z' }));
    await app.settle();
    const closed = await app.inject({
      method: 'POST',
      url: '/v1/billing/periods/close',
      token: TEST_SERVICE_TOKEN,
      payload: { period: '2025-12' },
    });
    expect(closed.statusCode).toBe(200);
    // One account whose December ledger the close closed, one that had no December ledger at all.
    const batch = await postUsage(app, {
      records: [
        usageRecord(invoiced, { occurredAt: '2025-12-20T10:00:00.000Z' }),
        usageRecord(invoiced),
        usageRecord(quiet, { occurredAt: '2025-12-21T10:00:00.000Z' }),
      ],
    });
    expect(batch.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 0, error: 'period_closed' },
        { index: 2, error: 'period_closed' },
      ],
    });
    const single = await postUsage(app, usageRecord(quiet, { occurredAt: '2025-12-22T10:00:00.000Z' }));
    expect(single.statusCode).toBe(409);
    expect(single.json().error).toBe('period_closed');
    expect(await ledger(quiet, '2025-12')).toEqual([]);
  });

  it('refuses a missing or wrong service token', async () => {
    const answer = await postUsage(app, usageRecord(randomUUID()), 'not-the-token');
    expect(answer.statusCode).toBe(401);
    expect(answer.json().error).toBe('invalid_service_token');
  });
});
