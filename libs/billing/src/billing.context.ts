import { defineContext, jobOf } from '@app/core';
import { EventDeclarations } from '@app/ddd';
import { billingDisputesProjection } from '../../../projections/billing-disputes/billing-disputes.projection';
import { billingPeriodAccountsProjection } from '../../../projections/billing-period-accounts/billing-period-accounts.projection';
import { billingUsageDailyProjection } from '../../../projections/billing-usage-daily/billing-usage-daily.projection';
import { notificationsProjection } from '../../../projections/notifications/notifications.projection';
import { BillingModule } from './billing.module';
import { InvoicingModule } from './invoicing.module';
import { CLOSE_PREVIOUS_PERIOD_JOB, periodCloseSchedule, ScheduledPeriodClose } from './close-period/scheduled-close';
import {
  DisputeJobs,
  disputeReaction,
  GRANT_DISPUTE_CREDIT_JOB,
  INVOICING_QUEUE,
  SEND_DISPUTE_MAIL_JOB,
} from './dispute-reactions/dispute-reactions';
import { billingAccountEventVersions, BillingAccountEventTypeName } from './domain/billing-account.events';
import { BillingErrorCode, billingErrorStatuses } from './domain/billing.errors';
import { InvoicingErrorCode, invoicingErrorStatuses } from './domain/invoicing.errors';
import { invoicingEventDeclarations, InvoicingEventTypeName } from './domain/invoicing.events';
import { notificationEventVersions, NotificationEventTypeName } from './domain/notification.events';
import { UsageEventTypeName, usageEventVersions } from './domain/usage.events';
import {
  BILLING_QUEUE,
  CREATE_SPENDING_ALERT_NOTIFICATION_JOB,
  SEND_SPENDING_ALERT_EMAIL_JOB,
  SpendingAlertCrossings,
  SpendingAlertJobs,
  spendingAlertNotices,
  TRIGGER_SPENDING_ALERT_JOB,
} from './notify-spending-alerts/spending-alert-reactions';

/** Event types declared by a bare version carry no personal field. */
function withoutPersonalFields<EventType extends string>(versions: Readonly<Record<EventType, number>>): EventDeclarations<EventType> {
  return Object.fromEntries(Object.entries<number>(versions).map(([type, version]) => [type, { version }])) as EventDeclarations<EventType>;
}

/**
 * Billing, both sides (usage, plans, spending limits, notifications; payment methods, disputes, period
 * close, invoices), as every process registers it (see `ContextDeclaration` in `@app/core`).
 */
export const billingContext = defineContext<
  UsageEventTypeName | BillingAccountEventTypeName | NotificationEventTypeName | InvoicingEventTypeName,
  BillingErrorCode | InvoicingErrorCode
>({
  name: 'billing',
  module: BillingModule,
  moreModules: [InvoicingModule],
  errors: { ...billingErrorStatuses, ...invoicingErrorStatuses },
  events: {
    ...withoutPersonalFields(usageEventVersions),
    ...withoutPersonalFields(billingAccountEventVersions),
    ...notificationEventVersions,
    ...invoicingEventDeclarations,
  },
  projections: [billingUsageDailyProjection, notificationsProjection, billingDisputesProjection, billingPeriodAccountsProjection],
  reactions: [spendingAlertNotices, disputeReaction],
  reactionSources: [SpendingAlertCrossings],
  jobWorkers: [
    {
      queue: BILLING_QUEUE,
      jobs: {
        [TRIGGER_SPENDING_ALERT_JOB]: jobOf(SpendingAlertJobs, (jobs) => jobs.trigger()),
        [SEND_SPENDING_ALERT_EMAIL_JOB]: jobOf(SpendingAlertJobs, (jobs) => jobs.email()),
        [CREATE_SPENDING_ALERT_NOTIFICATION_JOB]: jobOf(SpendingAlertJobs, (jobs) => jobs.inApp()),
      },
    },
    {
      queue: INVOICING_QUEUE,
      jobs: {
        [SEND_DISPUTE_MAIL_JOB]: jobOf(DisputeJobs, (jobs) => jobs.mail()),
        [GRANT_DISPUTE_CREDIT_JOB]: jobOf(DisputeJobs, (jobs) => jobs.credit()),
        [CLOSE_PREVIOUS_PERIOD_JOB]: ScheduledPeriodClose,
      },
      schedules: (config) => [periodCloseSchedule(config.billingCloseDay)],
    },
  ],
});
