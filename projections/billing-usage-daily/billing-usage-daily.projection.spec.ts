import { decideUsageLedger, freshUsageLedgerState, UsageEventType } from '@app/billing';
import { ProjectionTestbed } from '@app/projections';
import { recordedEvent } from '@app/testing';
import { BILLING_USAGE_DAILY_TABLE, billingUsageDailyProjection } from './billing-usage-daily.projection';

const accountId = 'a-1';
const stream = `billing_usage-${accountId}-2026-01`;
const record = (key: string, service: string, amountMicros: number, occurredAt: string) => ({
  idempotencyKey: key,
  service,
  amountMicros,
  occurredAt,
});

/** Events as the billing context's decider writes them. */
const [first] = decideUsageLedger(
  {
    kind: 'RecordUsage',
    accountId,
    period: '2026-01',
    heldElsewhere: [],
    submissions: [
      [
        record('k1', 'chat', 10, '2026-01-02T01:00:00.000Z'),
        record('k2', 'chat', 5, '2026-01-02T23:59:59.999Z'),
        record('k3', 'video', 7, '2026-01-03T00:00:00.000Z'),
      ],
    ],
  },
  freshUsageLedgerState(),
);
const events = [
  recordedEvent(stream, 0, first.type, first.data as never),
  recordedEvent(stream, 1, UsageEventType.Recorded, {
    accountId,
    period: '2026-01',
    records: [record('k4', 'chat', 1, '2026-01-02T12:00:00.000Z')],
    totals: { chat: 16, video: 7 },
  }),
];

describe('BillingUsageDaily projection', () => {
  let testbed: ProjectionTestbed;
  // One database for the file, emptied before each test: a new PGlite costs about 0.9 s of CPU.
  beforeAll(async () => {
    testbed = await ProjectionTestbed.create(billingUsageDailyProjection);
  });
  beforeEach(() => testbed.db.exec(`DELETE FROM ${BILLING_USAGE_DAILY_TABLE}`));
  afterAll(() => testbed.close());

  const rows = () =>
    testbed.rows(
      `SELECT account_id, period, to_char(day, 'YYYY-MM-DD') AS day, service, records::int, amount_micros::int FROM ${BILLING_USAGE_DAILY_TABLE} ORDER BY day, service`,
    );

  it('sums records per UTC day of their occurrence and service', async () => {
    await testbed.feed(events);
    expect(await rows()).toEqual([
      { account_id: accountId, period: '2026-01', day: '2026-01-02', service: 'chat', records: 3, amount_micros: 16 },
      { account_id: accountId, period: '2026-01', day: '2026-01-03', service: 'video', records: 1, amount_micros: 7 },
    ]);
  });

  it('gives the same rows when the same events are fed twice', async () => {
    await testbed.feed(events);
    const once = await rows();
    await testbed.feed(events);
    expect(await rows()).toEqual(once);
  });
});
