import { Injectable, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ApiKeysModule, KeyVerificationPolicy } from '@app/api-keys';
import { AccountStates, IdentityModule, PlanReader } from '@app/identity';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK, EVENT_STORE, LOGGER } from '@app/core';
import { Clock, EventCatalog } from '@app/ddd';
import { EventStore } from '@app/event-store';
import { Metrics } from '@app/metrics';
import { Logger as PinoLogger } from 'pino';
import { AssignPlanController } from './assign-plan/assign-plan.controller';
import { AssignPlanHandler } from './assign-plan/assign-plan.handler';
import { AccountDirectory } from './billing-account/account-directory';
import { BillingAccounts } from './billing-account/billing-accounts';
import { BillingPlans } from './billing-account/billing-plans';
import { ChangePlanController } from './change-plan/change-plan.controller';
import { ChoosePlanHandler } from './change-plan/change-plan.handler';
import { SpendingCapTracker } from './enforce-spending-cap/spending-cap-tracker';
import { GetOverviewController, OverviewReader } from './get-overview/get-overview.controller';
import { InvoicingModule } from './invoicing.module';
import { ListNotificationsController } from './list-notifications/list-notifications.controller';
import { ListSpendingAlertsController } from './list-spending-alerts/list-spending-alerts.controller';
import { SpendingAlertCrossings, SpendingAlertJobs } from './notify-spending-alerts/spending-alert-reactions';
import { ReadNotificationController } from './read-notification/read-notification.controller';
import { MarkNotificationReadHandler } from './read-notification/read-notification.handler';
import { ClosedAccounts } from './record-usage/closed-accounts';
import { LedgerWriter } from './record-usage/ledger-writer';
import { RecordUsageController } from './record-usage/record-usage.controller';
import { RecordUsageEndpoint } from './record-usage/record-usage.endpoint';
import { UsageRequestParser } from './record-usage/record-usage.schema';
import { RemoveSpendingAlertController } from './remove-spending-alert/remove-spending-alert.controller';
import { RemoveSpendingAlertHandler } from './remove-spending-alert/remove-spending-alert.handler';
import { RemoveSpendingCapController } from './remove-spending-cap/remove-spending-cap.controller';
import { RemoveSpendingCapHandler } from './remove-spending-cap/remove-spending-cap.handler';
import { SetSpendingAlertController } from './set-spending-alert/set-spending-alert.controller';
import { SetSpendingAlertHandler } from './set-spending-alert/set-spending-alert.handler';
import { SetSpendingCapController } from './set-spending-cap/set-spending-cap.controller';
import { SetSpendingCapHandler } from './set-spending-cap/set-spending-cap.handler';
import { UsageReportController } from './usage-report/usage-report.controller';

/** Follows the log for the spending cap and for closed accounts from start-up to shutdown, on every instance. */
@Injectable()
class SpendingCapLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly tracker: SpendingCapTracker,
    private readonly closedAccounts: ClosedAccounts,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.tracker.start();
    await this.closedAccounts.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.tracker.stop();
    await this.closedAccounts.stop();
  }
}

/** Billing: one line per slice in each list, so slices of parallel work merge without conflicts. */
@Module({
  imports: [ApiKeysModule, IdentityModule, InvoicingModule],
  controllers: [
    RecordUsageController,
    GetOverviewController,
    UsageReportController,
    ChangePlanController,
    AssignPlanController,
    ListSpendingAlertsController,
    SetSpendingAlertController,
    RemoveSpendingAlertController,
    SetSpendingCapController,
    RemoveSpendingCapController,
    ListNotificationsController,
    ReadNotificationController,
  ],
  providers: [
    { provide: UsageRequestParser, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new UsageRequestParser(config.apiScopes) },
    {
      provide: LedgerWriter,
      inject: [EVENT_STORE, EventCatalog, CLOCK, Metrics],
      useFactory: (store: EventStore, catalog: EventCatalog, clock: Clock, metrics: Metrics) =>
        new LedgerWriter(store, catalog, clock, metrics),
    },
    RecordUsageEndpoint,
    AccountDirectory,
    BillingAccounts,
    OverviewReader,
    ChoosePlanHandler,
    AssignPlanHandler,
    SetSpendingAlertHandler,
    RemoveSpendingAlertHandler,
    SetSpendingCapHandler,
    RemoveSpendingCapHandler,
    MarkNotificationReadHandler,
    SpendingAlertJobs,
    SpendingAlertCrossings,
    {
      provide: SpendingCapTracker,
      inject: [EVENT_STORE, LOGGER],
      useFactory: (store: EventStore, logger: PinoLogger) =>
        new SpendingCapTracker(store, undefined, (message, error) => logger.error({ component: 'billing', err: error.message }, message)),
    },
    {
      provide: ClosedAccounts,
      inject: [EVENT_STORE, AccountStates, LOGGER],
      useFactory: (store: EventStore, accounts: AccountStates, logger: PinoLogger) =>
        new ClosedAccounts(store, accounts, (message, error) => logger.error({ component: 'billing', err: error.message }, message)),
    },
    SpendingCapLifecycle,
    // The seams of the identity and api-keys contexts this one fills.
    { provide: PlanReader, useExisting: BillingPlans },
    { provide: KeyVerificationPolicy, useExisting: SpendingCapTracker },
    BillingPlans,
  ],
})
export class BillingModule {}
