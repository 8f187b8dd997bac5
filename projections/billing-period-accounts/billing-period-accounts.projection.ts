import { SqlExecutor } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * BillingPeriodAccounts: which accounts have usage in which period, so closing a period knows whose
 * ledgers to close and invoice. Only the list comes from here; the amounts invoiced are read from each
 * ledger in the event store when it is closed.
 */
export const BILLING_PERIOD_ACCOUNTS_TABLE = 'billing_period_accounts';

export const billingPeriodAccountsProjection: Projection = {
  name: 'billing-period-accounts',
  version: 1,
  eventTypePrefixes: ['billing.usage_recorded'],
  tables: [
    {
      name: BILLING_PERIOD_ACCOUNTS_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          period text NOT NULL,
          account_id text NOT NULL,
          PRIMARY KEY (period, account_id)
        );`,
    },
  ],

  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    if (event.type !== 'billing.usage_recorded') return;
    const { accountId, period } = event.data as { accountId: string; period: string };
    await tx.query(`INSERT INTO ${tables[BILLING_PERIOD_ACCOUNTS_TABLE]} (period, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      period,
      accountId,
    ]);
  },
};
