export { billingContext } from './billing.context';
export { BillingModule } from './billing.module';
export { isPeriod, periodBounds, periodOf, PeriodBounds, secondsToPeriodEnd } from './domain/billing-period';
export { addMicros, MAX_LIMIT_MICROS, MAX_RECORD_MICROS, MICROS_PER_UNIT, mulDivCeil, mulDivFloor } from './domain/money';
export { billingErrorStatuses, BillingErrorCode, PeriodClosedError, PlanRequiredError } from './domain/billing.errors';
export { ServiceTotals, UsageEvent, UsageEventType, usageEventVersions, usageLedgerStream, UsageRecord } from './domain/usage.events';
export {
  CloseUsageLedger,
  decideUsageLedger,
  evolveUsageLedger,
  freshUsageLedgerState,
  monthToDateOf,
  outcomesOf,
  receivingPeriods,
  RecordUsage,
  usageLedgerDecider,
  UsageLedgerCommand,
  SubmissionOutcome,
  UsageLedgerState,
} from './domain/usage-ledger.decider';
export { LedgerWriter } from './record-usage/ledger-writer';
export {
  NotificationEvent,
  NotificationEventType,
  notificationEventVersions,
  notificationsStream,
  NotificationKind,
} from './domain/notification.events';
export { notificationsDecider } from './domain/notifications.decider';
export {
  BillingAccountEvent,
  BillingAccountEventType,
  billingAccountEventVersions,
  billingAccountStream,
  Plan,
  PLANS,
  PlanFeature,
} from './domain/billing-account.events';
export {
  billingAccountDecider,
  BillingAccountCommand,
  BillingAccountState,
  PLANS_WITH_LIMITS,
  thresholdMicrosOf,
} from './domain/billing-account.decider';
export { SpendingCapTracker } from './enforce-spending-cap/spending-cap-tracker';
export { BillingAccounts } from './billing-account/billing-accounts';
export { InvoicingModule } from './invoicing.module';
export { disputeDecider, DisputeCommand, DisputeState, evolveDispute, initialDisputeState } from './domain/dispute.decider';
export { DisputeEvent, disputeStream } from './domain/invoicing.events';
export { EnterpriseFeature, EnterpriseFeatures } from './invoicing/enterprise-features';
export { billingPeriodDecider, BillingPeriodState } from './domain/billing-period-close.decider';
export { billingPeriodStream, InvoicingEventType, invoicingEventDeclarations } from './domain/invoicing.events';
export { CLOSE_PREVIOUS_PERIOD_JOB, periodCloseSchedule } from './close-period/scheduled-close';
export { INVOICING_QUEUE } from './dispute-reactions/dispute-reactions';
export { paymentMethodsDecider, PaymentMethod, PaymentMethodsState } from './domain/payment-method.decider';
export { invoiceBillingDecider, InvoiceBillingState } from './domain/invoice-billing.decider';
export { invoiceBillingStream, paymentMethodsStream } from './domain/invoicing.events';
