import { SqlExecutor } from '@app/database';
import { RecordedEvent } from '@app/event-store';
import { Projection, TableNames } from '@app/projections';

/**
 * BillingUsageDaily: per account, day (UTC, of each record's `occurredAt`) and service, the number of
 * records and their sum in micro-units; the CSV report reads it. Only `billing.usage_recorded` feeds
 * it. Each row remembers the position of the last event added into it, so an event applied twice
 * (a replay) adds nothing the second time.
 *
 * The event is declared here as this read model reads it (the billing context registers the
 * projection, so importing it would be a cycle); the projection spec feeds it events of the context.
 */
export const BILLING_USAGE_DAILY_TABLE = 'billing_usage_daily';

interface UsageRecordedData {
  readonly accountId: string;
  readonly period: string;
  readonly records: readonly { readonly service: string; readonly amountMicros: number; readonly occurredAt: string }[];
}

export const billingUsageDailyProjection: Projection = {
  name: 'billing-usage-daily',
  version: 1,
  eventTypePrefixes: ['billing.usage_recorded'],
  tables: [
    {
      name: BILLING_USAGE_DAILY_TABLE,
      ddl: `
        CREATE TABLE {{table}} (
          account_id text NOT NULL,
          period text NOT NULL,
          day date NOT NULL,
          service text NOT NULL,
          records bigint NOT NULL,
          amount_micros bigint NOT NULL,
          last_position bigint NOT NULL,
          PRIMARY KEY (account_id, period, day, service)
        );`,
    },
  ],

  async apply(event: RecordedEvent, tx: SqlExecutor, tables: TableNames): Promise<void> {
    if (event.type !== 'billing.usage_recorded') return;
    const data = event.data as unknown as UsageRecordedData;
    const groups = new Map<string, { day: string; service: string; records: number; amount: number }>();
    for (const record of data.records) {
      const day = record.occurredAt.slice(0, 10);
      const key = `${day}/${record.service}`;
      const group = groups.get(key) ?? { day, service: record.service, records: 0, amount: 0 };
      group.records += 1;
      group.amount += record.amountMicros;
      groups.set(key, group);
    }
    const rows = [...groups.values()];
    if (rows.length === 0) return;
    const table = tables[BILLING_USAGE_DAILY_TABLE];
    await tx.query(
      `INSERT INTO ${table} AS t (account_id, period, day, service, records, amount_micros, last_position)
       SELECT $1, $2, d::date, s, r, a, $7 FROM unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS u(d, s, r, a)
       ON CONFLICT (account_id, period, day, service) DO UPDATE
         SET records = t.records + excluded.records, amount_micros = t.amount_micros + excluded.amount_micros,
             last_position = excluded.last_position
         WHERE t.last_position < excluded.last_position`,
      [
        data.accountId,
        data.period,
        rows.map((row) => row.day),
        rows.map((row) => row.service),
        rows.map((row) => String(row.records)),
        rows.map((row) => String(row.amount)),
        String(event.position),
      ],
    );
  },
};
