import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK, EVENT_STORE } from '@app/core';
import { Clock, EventCatalog } from '@app/ddd';
import { EventStore } from '@app/event-store';
import { registerErrorStatuses } from '@app/http';
import { billingErrorStatuses } from './domain/billing.errors';
import { usageEventVersions } from './domain/usage.events';
import { LedgerWriter } from './record-usage/ledger-writer';
import { RecordUsageController } from './record-usage/record-usage.controller';
import { RecordUsageEndpoint } from './record-usage/record-usage.endpoint';
import { UsageRequestParser } from './record-usage/record-usage.schema';

registerErrorStatuses(billingErrorStatuses);

/** Billing: one line per slice in each list, so slices of parallel work merge without conflicts. */
@Module({
  controllers: [RecordUsageController],
  providers: [
    { provide: UsageRequestParser, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new UsageRequestParser(config.apiScopes) },
    {
      provide: LedgerWriter,
      inject: [EVENT_STORE, EventCatalog, CLOCK],
      useFactory: (store: EventStore, catalog: EventCatalog, clock: Clock) => new LedgerWriter(store, catalog, clock),
    },
    RecordUsageEndpoint,
  ],
})
export class BillingModule {
  constructor(catalog: EventCatalog) {
    catalog.register(usageEventVersions);
  }
}
