import { BillingAccountEvent, BillingAccountEventType, billingAccountDecider } from '@app/billing';
import { deciderSpec } from '@app/testing';

const spec = deciderSpec(billingAccountDecider);
const accountId = 'a-1';
const services = ['chat', 'video', 'models'];
const professional: BillingAccountEvent = {
  type: BillingAccountEventType.PlanChanged,
  data: { accountId, plan: 'professional', previousPlan: 'basic', switchedOff: [] },
};
const chatAlert: BillingAccountEvent = {
  type: BillingAccountEventType.SpendingAlertSet,
  data: { accountId, service: 'chat', budgetMicros: 1_000_000, thresholdPercent: 33, notify: 'both' },
};
const cap: BillingAccountEvent = { type: BillingAccountEventType.SpendingCapSet, data: { accountId, capMicros: 5 } };
const trigger = (spentBefore: number, spentAfter: number, period = '2026-01', service = 'chat') =>
  ({ kind: 'TriggerSpendingAlert', accountId, service, period, spentBefore, spentAfter }) as const;
const triggered = (spentMicros: number, period = '2026-01'): BillingAccountEvent => ({
  type: BillingAccountEventType.SpendingAlertTriggered,
  data: {
    accountId,
    service: 'chat',
    period,
    budgetMicros: 1_000_000,
    thresholdPercent: 33,
    thresholdMicros: 330_000,
    spentMicros,
    notify: 'both',
  },
});

describe('billing account decider', () => {
  it('refuses alerts and caps on basic', () => {
    spec.given([]).when({ kind: 'SetSpendingCap', accountId, capMicros: 5 }).thenThrows('plan_required');
    spec
      .given([])
      .when({ kind: 'SetSpendingAlert', accountId, service: 'chat', budgetMicros: 1, thresholdPercent: 50, notify: 'email', services })
      .thenThrows('plan_required');
  });

  it('fires at the threshold (rounded up to a micro-unit), once per alert and period', () => {
    spec
      .given([professional, chatAlert])
      .when(trigger(329_999, 330_000))
      .then([triggered(330_000)]);
    spec.given([professional, chatAlert]).when(trigger(0, 329_999)).then([]);
    spec.given([professional, chatAlert]).when(trigger(330_000, 400_000)).then([]);
    spec
      .given([professional, chatAlert, triggered(330_000)])
      .when(trigger(100, 900_000))
      .then([]);
    spec
      .given([professional, chatAlert, triggered(330_000)])
      .when(trigger(0, 330_000, '2026-02'))
      .then([triggered(330_000, '2026-02')]);
    spec
      .given([professional, chatAlert])
      .when(trigger(0, 900_000, '2026-01', 'video'))
      .then([]);
  });

  it('switches alerts and the cap off on a downgrade and says so', () => {
    spec
      .given([professional, chatAlert, cap])
      .when({ kind: 'ChoosePlan', accountId, plan: 'basic' })
      .then([
        {
          type: BillingAccountEventType.PlanChanged,
          data: { accountId, plan: 'basic', previousPlan: 'professional', switchedOff: ['alerts', 'spending_cap'] },
        },
      ]);
  });

  it('keeps an enterprise plan away from the holder, not from staff', () => {
    const enterprise: BillingAccountEvent = {
      type: BillingAccountEventType.PlanChanged,
      data: { accountId, plan: 'enterprise', previousPlan: 'basic', switchedOff: [] },
    };
    spec.given([enterprise]).when({ kind: 'ChoosePlan', accountId, plan: 'professional' }).thenThrows('plan_change_forbidden');
    spec
      .given([enterprise])
      .when({ kind: 'AssignPlan', accountId, plan: 'basic', enterpriseFeaturesInUse: ['ach'] })
      .thenThrows('plan_in_use');
    spec
      .given([enterprise])
      .when({ kind: 'AssignPlan', accountId, plan: 'professional', enterpriseFeaturesInUse: [] })
      .then([
        {
          type: BillingAccountEventType.PlanChanged,
          data: { accountId, plan: 'professional', previousPlan: 'enterprise', switchedOff: [] },
        },
      ]);
  });
});
