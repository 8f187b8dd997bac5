import { DomainEvent } from '@app/ddd';

export const PLANS = ['basic', 'professional', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

/** What a plan change can switch off; named as the answer of `PUT /v1/billing/plan` names them. */
export type PlanFeature = 'alerts' | 'spending_cap';

export const NOTIFY_CHANNELS = ['email', 'in_app', 'both'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

/** Event type strings are part of the stored history: never rename one, add a new version instead. */
export const BillingAccountEventType = {
  PlanChanged: 'billing.plan_changed',
  SpendingAlertSet: 'billing.spending_alert_set',
  SpendingAlertRemoved: 'billing.spending_alert_removed',
  SpendingAlertTriggered: 'billing.spending_alert_triggered',
  SpendingCapSet: 'billing.spending_cap_set',
  SpendingCapRemoved: 'billing.spending_cap_removed',
} as const;

export type BillingAccountEventTypeName = (typeof BillingAccountEventType)[keyof typeof BillingAccountEventType];

export const billingAccountEventVersions: Readonly<Record<BillingAccountEventTypeName, number>> = {
  [BillingAccountEventType.PlanChanged]: 1,
  [BillingAccountEventType.SpendingAlertSet]: 1,
  [BillingAccountEventType.SpendingAlertRemoved]: 1,
  [BillingAccountEventType.SpendingAlertTriggered]: 1,
  [BillingAccountEventType.SpendingCapSet]: 1,
  [BillingAccountEventType.SpendingCapRemoved]: 1,
};

/** Who changed the plan is the event's `actor`; `switchedOff` lists the features the change turned off. */
export type PlanChanged = DomainEvent<
  typeof BillingAccountEventType.PlanChanged,
  { readonly accountId: string; readonly plan: Plan; readonly previousPlan: Plan; readonly switchedOff: readonly PlanFeature[] }
>;

export type SpendingAlertSet = DomainEvent<
  typeof BillingAccountEventType.SpendingAlertSet,
  {
    readonly accountId: string;
    readonly service: string;
    readonly budgetMicros: number;
    readonly thresholdPercent: number;
    readonly notify: NotifyChannel;
  }
>;

export type SpendingAlertRemoved = DomainEvent<
  typeof BillingAccountEventType.SpendingAlertRemoved,
  { readonly accountId: string; readonly service: string }
>;

/** The alert of `service` fired for `period`: at most once per alert and period. */
export type SpendingAlertTriggered = DomainEvent<
  typeof BillingAccountEventType.SpendingAlertTriggered,
  {
    readonly accountId: string;
    readonly service: string;
    readonly period: string;
    readonly budgetMicros: number;
    readonly thresholdPercent: number;
    readonly thresholdMicros: number;
    readonly spentMicros: number;
    readonly notify: NotifyChannel;
  }
>;

export type SpendingCapSet = DomainEvent<
  typeof BillingAccountEventType.SpendingCapSet,
  { readonly accountId: string; readonly capMicros: number }
>;

export type SpendingCapRemoved = DomainEvent<typeof BillingAccountEventType.SpendingCapRemoved, { readonly accountId: string }>;

export type BillingAccountEvent =
  PlanChanged | SpendingAlertSet | SpendingAlertRemoved | SpendingAlertTriggered | SpendingCapSet | SpendingCapRemoved;

/** An account's plan, alerts and cap: one stream per account, small (a handful of events a month). */
export const billingAccountStream = (accountId: string): string => `billing_account-${accountId}`;
