import { Injectable, Inject, Optional } from '@nestjs/common';
import { CLOCK, EVENT_STORE, MAILER } from '@app/core';
import { Clock, CommandRunner, fold, Occurred, systemContext, toDomainEvent } from '@app/ddd';
import { EventStore, RecordedEvent } from '@app/event-store';
import { html, JobHandler, Mailer, mailTemplate } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { AccountDirectory } from '../billing-account/account-directory';
import { BillingAccounts } from '../billing-account/billing-accounts';
import { billingAccountDecider, thresholdMicrosOf, PLANS_WITH_LIMITS } from '../domain/billing-account.decider';
import { BillingAccountEvent, BillingAccountEventType, billingAccountStream, NotifyChannel } from '../domain/billing-account.events';
import { formatMicros } from '../domain/money';
import { notificationsDecider } from '../domain/notifications.decider';
import { notificationsStream } from '../domain/notification.events';
import { ServiceTotals, UsageEventType, UsageRecord } from '../domain/usage.events';

export const BILLING_QUEUE = 'billing';
export const TRIGGER_SPENDING_ALERT_JOB = 'trigger-spending-alert';
export const SEND_SPENDING_ALERT_EMAIL_JOB = 'send-spending-alert-email';
export const CREATE_SPENDING_ALERT_NOTIFICATION_JOB = 'create-spending-alert-notification';

export interface TriggerSpendingAlertJob {
  readonly accountId: string;
  readonly service: string;
  readonly period: string;
  readonly spentBefore: number;
  readonly spentAfter: number;
}

/** No address in the job: the email handler looks it up when it runs. */
export interface SpendingAlertNoticeJob {
  readonly accountId: string;
  readonly triggeredEventId: string;
  readonly service: string;
  readonly period: string;
  readonly budgetMicros: number;
  readonly thresholdPercent: number;
  readonly spentMicros: number;
}

/** Per service, what the ledger held before this event and after it. */
export function crossingsOf(records: readonly UsageRecord[], totals: ServiceTotals): Map<string, { before: number; after: number }> {
  const added = new Map<string, number>();
  for (const record of records) added.set(record.service, (added.get(record.service) ?? 0) + record.amountMicros);
  const result = new Map<string, { before: number; after: number }>();
  for (const [service, amount] of added) {
    const after = totals[service] ?? 0;
    result.set(service, { before: after - amount, after });
  }
  return result;
}

/**
 * Usage -> "did this event cross an alert's threshold?". Every `billing.usage_recorded` carries the
 * ledger's totals after it, so the crossing is decided by that event alone (`before < threshold <=
 * after`): exactly one event of a ledger crosses a given amount, whenever its records occurred, so a
 * late record that crosses an older period's threshold fires that period's alert. The job records the
 * trigger through the billing account's decider, which keeps it to once per alert and period.
 */
export function spendingAlertCrossings(store: EventStore): Reaction {
  return {
    name: 'billing.spending-alert-crossings',
    eventTypePrefixes: [UsageEventType.Recorded],
    async react(event: RecordedEvent): Promise<JobRequest[]> {
      if (event.type !== UsageEventType.Recorded) return [];
      const accountId = String(event.data.accountId);
      const period = String(event.data.period);
      const crossings = crossingsOf(event.data.records as UsageRecord[], event.data.totals as ServiceTotals);
      const account = await store.readStream(billingAccountStream(accountId));
      const state = fold(
        billingAccountDecider.evolve,
        billingAccountDecider.initialState,
        account.map(toDomainEvent) as Occurred<BillingAccountEvent>[],
      );
      if (!PLANS_WITH_LIMITS.includes(state.plan)) return [];
      const jobs: JobRequest[] = [];
      for (const [service, { before, after }] of crossings) {
        const alert = state.alerts[service];
        if (!alert) continue;
        const threshold = thresholdMicrosOf(alert);
        if (!(before < threshold && after >= threshold)) continue;
        const payload: TriggerSpendingAlertJob = { accountId, service, period, spentBefore: before, spentAfter: after };
        jobs.push({ queue: BILLING_QUEUE, name: TRIGGER_SPENDING_ALERT_JOB, payload, key: service });
      }
      return jobs;
    },
  };
}

const channelsOf = (notify: NotifyChannel) => ({ email: notify !== 'in_app', inApp: notify !== 'email' });

/** A fired alert -> its email and its in-app notification, as the alert's `notify` says. */
export const spendingAlertNotices: Reaction = {
  name: 'billing.spending-alert-notices',
  eventTypePrefixes: [BillingAccountEventType.SpendingAlertTriggered],
  react(event: RecordedEvent): JobRequest[] {
    if (event.type !== BillingAccountEventType.SpendingAlertTriggered) return [];
    const data = event.data as Record<string, unknown>;
    const payload: SpendingAlertNoticeJob = {
      accountId: String(data.accountId),
      triggeredEventId: event.id,
      service: String(data.service),
      period: String(data.period),
      budgetMicros: Number(data.budgetMicros),
      thresholdPercent: Number(data.thresholdPercent),
      spentMicros: Number(data.spentMicros),
    };
    const { email, inApp } = channelsOf(data.notify as NotifyChannel);
    const jobs: JobRequest[] = [];
    if (email) jobs.push({ queue: BILLING_QUEUE, name: SEND_SPENDING_ALERT_EMAIL_JOB, payload });
    if (inApp) jobs.push({ queue: BILLING_QUEUE, name: CREATE_SPENDING_ALERT_NOTIFICATION_JOB, payload });
    return jobs;
  },
};

export function spendingAlertText(job: SpendingAlertNoticeJob): { title: string; body: string } {
  return {
    title: `Spending alert: ${job.service} reached ${job.thresholdPercent}% of its budget`,
    body:
      `Your ${job.service} spending for ${job.period} is ${formatMicros(job.spentMicros)} USD, ` +
      `${job.thresholdPercent}% or more of its ${formatMicros(job.budgetMicros)} USD budget.`,
  };
}

export const spendingAlertMail = mailTemplate((job: SpendingAlertNoticeJob) => {
  const { title, body } = spendingAlertText(job);
  return {
    subject: title,
    text: [body, '', 'You can change this alert on the billing page of the platform hub.'].join('\n'),
    html: html`<p>${body}</p>
<p>You can change this alert on the billing page of the platform hub.</p>`,
  };
});

/** The job handlers of the `billing` queue for spending alerts. */
@Injectable()
export class SpendingAlertJobs {
  constructor(
    private readonly accounts: BillingAccounts,
    private readonly directory: AccountDirectory,
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(MAILER) private readonly mailer?: Mailer,
  ) {}

  trigger(): JobHandler<TriggerSpendingAlertJob> {
    return async ({ id, payload }) => {
      const { accountId, service, period, spentBefore, spentAfter } = payload;
      await this.accounts.run(
        accountId,
        { kind: 'TriggerSpendingAlert', accountId, service, period, spentBefore, spentAfter },
        systemContext(id),
      );
    };
  }

  email(): JobHandler<SpendingAlertNoticeJob> {
    return async ({ payload }) => {
      if (!this.mailer) throw new Error('no mailer is configured');
      const to = await this.directory.emailOf(payload.accountId);
      if (to === undefined) return;
      await this.mailer.send({ to, ...spendingAlertMail(payload), idempotencyKey: `spending-alert:${payload.triggeredEventId}` });
    };
  }

  /** The notification's id is the trigger's event id: a retried job finds it and writes nothing. */
  inApp(): JobHandler<SpendingAlertNoticeJob> {
    return async ({ id, payload }) => {
      const { title, body } = spendingAlertText(payload);
      const command = {
        kind: 'CreateNotification',
        accountId: payload.accountId,
        notificationId: payload.triggeredEventId,
        notificationKind: 'spending_alert',
        title,
        body,
      } as const;
      await this.runner.run(notificationsStream(payload.accountId), notificationsDecider, command, systemContext(id), {
        accountId: payload.accountId,
        occurredAt: this.clock.now(),
      });
    };
  }
}

/** Makes `spendingAlertCrossings` over the app's event store (listed in the context's `reactionSources`). */
@Injectable()
export class SpendingAlertCrossings {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  reaction(): Reaction {
    return spendingAlertCrossings(this.store);
  }
}
