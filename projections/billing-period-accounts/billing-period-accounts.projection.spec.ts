import { ProjectionTestbed } from '@app/projections';
import { recordedEvent } from '@app/testing';
import { UsageEventType, usageLedgerStream } from '@app/billing';
import { billingPeriodAccountsProjection } from './billing-period-accounts.projection';

describe('billing-period-accounts projection', () => {
  let testbed: ProjectionTestbed;
  beforeAll(async () => {
    testbed = await ProjectionTestbed.create(billingPeriodAccountsProjection);
  });
  afterAll(() => testbed.close());

  const usage = (accountId: string, period: string, revision: number) =>
    recordedEvent(usageLedgerStream(accountId, period), revision, UsageEventType.Recorded, {
      accountId,
      period,
      records: [{ idempotencyKey: `k${revision}`, service: 'chat', amountMicros: 5, occurredAt: `${period}-02T00:00:00.000Z` }],
      totals: { chat: 5 * (revision + 1) },
    });

  it('lists each account once per period with usage, the same when fed twice', async () => {
    const events = [usage('a1', '2026-11', 0), usage('a1', '2026-11', 1), usage('a2', '2026-11', 0), usage('a1', '2026-12', 0)];
    await testbed.feed(events);
    await testbed.feed(events);
    expect(await testbed.rows('SELECT period, account_id FROM billing_period_accounts ORDER BY period, account_id')).toEqual([
      { period: '2026-11', account_id: 'a1' },
      { period: '2026-11', account_id: 'a2' },
      { period: '2026-12', account_id: 'a1' },
    ]);
  });
});
