import { assertNever, Decider, Occurred } from '@app/ddd';
import { BillingAccountEvent, BillingAccountEventType, NotifyChannel, NOTIFY_CHANNELS, Plan, PlanFeature } from './billing-account.events';
import {
  BillingNotFoundError,
  BillingRequestInvalidError,
  FieldProblem,
  PlanChangeForbiddenError,
  PlanRequiredError,
} from './billing.errors';
import { PlanInUseError } from './invoicing.errors';
import { isMicros, MAX_LIMIT_MICROS, mulDivCeil } from './money';

export interface SpendingAlert {
  readonly service: string;
  readonly budgetMicros: number;
  readonly thresholdPercent: number;
  readonly notify: NotifyChannel;
}

export interface BillingAccountState {
  /** A new account is on basic without any event. */
  readonly plan: Plan;
  readonly alerts: Readonly<Record<string, SpendingAlert>>;
  readonly spendingCapMicros: number | null;
  /** `${service}/${period}` of every alert that fired. */
  readonly triggered: ReadonlySet<string>;
}

export const initialBillingAccountState: BillingAccountState = { plan: 'basic', alerts: {}, spendingCapMicros: null, triggered: new Set() };

/** Plans with spending alerts and the hard cap. */
export const PLANS_WITH_LIMITS: readonly Plan[] = ['professional', 'enterprise'];

export const MIN_THRESHOLD_PERCENT = 1;
export const MAX_THRESHOLD_PERCENT = 100;

/** By the account holder: basic and professional only (the edge refuses other values). */
export interface ChoosePlan {
  readonly kind: 'ChoosePlan';
  readonly accountId: string;
  readonly plan: 'basic' | 'professional';
}

/** By billing staff: any plan, enterprise included. */
export interface AssignPlan {
  readonly kind: 'AssignPlan';
  readonly accountId: string;
  readonly plan: Plan;
  /** What the account uses that needs enterprise (net-30, ACH), read from the log by the handler. */
  readonly enterpriseFeaturesInUse: readonly string[];
}

export interface SetSpendingAlert {
  readonly kind: 'SetSpendingAlert';
  readonly accountId: string;
  readonly service: string;
  readonly budgetMicros: number;
  readonly thresholdPercent: number;
  readonly notify: NotifyChannel;
  readonly services: readonly string[];
}

export interface RemoveSpendingAlert {
  readonly kind: 'RemoveSpendingAlert';
  readonly accountId: string;
  readonly service: string;
}

/** From the log: the ledger of `period` went from `spentBefore` to `spentAfter` for `service`. */
export interface TriggerSpendingAlert {
  readonly kind: 'TriggerSpendingAlert';
  readonly accountId: string;
  readonly service: string;
  readonly period: string;
  readonly spentBefore: number;
  readonly spentAfter: number;
}

export interface SetSpendingCap {
  readonly kind: 'SetSpendingCap';
  readonly accountId: string;
  readonly capMicros: number;
}

export interface RemoveSpendingCap {
  readonly kind: 'RemoveSpendingCap';
  readonly accountId: string;
}

export type BillingAccountCommand =
  ChoosePlan | AssignPlan | SetSpendingAlert | RemoveSpendingAlert | TriggerSpendingAlert | SetSpendingCap | RemoveSpendingCap;

export function evolveBillingAccount(state: BillingAccountState, event: Occurred<BillingAccountEvent>): BillingAccountState {
  switch (event.type) {
    case BillingAccountEventType.PlanChanged: {
      const off = new Set(event.data.switchedOff);
      return {
        ...state,
        plan: event.data.plan,
        alerts: off.has('alerts') ? {} : state.alerts,
        spendingCapMicros: off.has('spending_cap') ? null : state.spendingCapMicros,
      };
    }
    case BillingAccountEventType.SpendingAlertSet: {
      const { service, budgetMicros, thresholdPercent, notify } = event.data;
      return { ...state, alerts: { ...state.alerts, [service]: { service, budgetMicros, thresholdPercent, notify } } };
    }
    case BillingAccountEventType.SpendingAlertRemoved: {
      const alerts = { ...state.alerts };
      delete alerts[event.data.service];
      return { ...state, alerts };
    }
    case BillingAccountEventType.SpendingAlertTriggered:
      return { ...state, triggered: new Set([...state.triggered, triggerKey(event.data.service, event.data.period)]) };
    case BillingAccountEventType.SpendingCapSet:
      return { ...state, spendingCapMicros: event.data.capMicros };
    case BillingAccountEventType.SpendingCapRemoved:
      return { ...state, spendingCapMicros: null };
    default:
      return assertNever(event);
  }
}

const triggerKey = (service: string, period: string): string => `${service}/${period}`;

/** The amount at which an alert fires: `thresholdPercent` of the budget, rounded up to a micro-unit. */
export function thresholdMicrosOf(alert: Pick<SpendingAlert, 'budgetMicros' | 'thresholdPercent'>): number {
  return mulDivCeil(alert.budgetMicros, alert.thresholdPercent, 100);
}

function hasLimits(plan: Plan): boolean {
  return PLANS_WITH_LIMITS.includes(plan);
}

function requireLimits(state: BillingAccountState, feature: string): void {
  if (!hasLimits(state.plan)) throw new PlanRequiredError(feature, PLANS_WITH_LIMITS);
}

function changePlan(accountId: string, plan: Plan, state: BillingAccountState): BillingAccountEvent[] {
  if (plan === state.plan) return [];
  const switchedOff: PlanFeature[] = [];
  if (!hasLimits(plan)) {
    if (Object.keys(state.alerts).length > 0) switchedOff.push('alerts');
    if (state.spendingCapMicros !== null) switchedOff.push('spending_cap');
  }
  return [{ type: BillingAccountEventType.PlanChanged, data: { accountId, plan, previousPlan: state.plan, switchedOff } }];
}

function choosePlan(command: ChoosePlan, state: BillingAccountState): BillingAccountEvent[] {
  if (state.plan === 'enterprise') throw new PlanChangeForbiddenError();
  return changePlan(command.accountId, command.plan, state);
}

function assignPlan(command: AssignPlan, state: BillingAccountState): BillingAccountEvent[] {
  if (state.plan === 'enterprise' && command.plan !== 'enterprise' && command.enterpriseFeaturesInUse.length > 0) {
    throw new PlanInUseError(command.enterpriseFeaturesInUse);
  }
  return changePlan(command.accountId, command.plan, state);
}

function setSpendingAlert(command: SetSpendingAlert, state: BillingAccountState): BillingAccountEvent[] {
  const problems: FieldProblem[] = [];
  if (!command.services.includes(command.service)) {
    problems.push({ field: 'service', message: `service must be one of ${command.services.join(', ')}` });
  }
  if (!isMicros(command.budgetMicros, MAX_LIMIT_MICROS) || command.budgetMicros === 0) {
    problems.push({ field: 'budgetMicros', message: `budgetMicros must be a whole number from 1 to ${MAX_LIMIT_MICROS}` });
  }
  const percent = command.thresholdPercent;
  if (!Number.isInteger(percent) || percent < MIN_THRESHOLD_PERCENT || percent > MAX_THRESHOLD_PERCENT) {
    problems.push({
      field: 'thresholdPercent',
      message: `thresholdPercent must be a whole number from ${MIN_THRESHOLD_PERCENT} to ${MAX_THRESHOLD_PERCENT}`,
    });
  }
  if (!NOTIFY_CHANNELS.includes(command.notify))
    problems.push({ field: 'notify', message: `notify must be one of ${NOTIFY_CHANNELS.join(', ')}` });
  if (problems.length > 0) throw new BillingRequestInvalidError(problems);
  requireLimits(state, 'Spending alerts');
  const current = state.alerts[command.service];
  const { service, budgetMicros, thresholdPercent, notify } = command;
  if (current && current.budgetMicros === budgetMicros && current.thresholdPercent === thresholdPercent && current.notify === notify)
    return [];
  return [
    {
      type: BillingAccountEventType.SpendingAlertSet,
      data: { accountId: command.accountId, service, budgetMicros, thresholdPercent, notify },
    },
  ];
}

function removeSpendingAlert(command: RemoveSpendingAlert, state: BillingAccountState): BillingAccountEvent[] {
  requireLimits(state, 'Spending alerts');
  if (!state.alerts[command.service]) throw new BillingNotFoundError('spending alert');
  return [{ type: BillingAccountEventType.SpendingAlertRemoved, data: { accountId: command.accountId, service: command.service } }];
}

/**
 * Fires when the ledger crossed the alert's threshold with this usage (before < threshold <= after),
 * once per alert and period: a late record that crosses it in an older period fires that period's.
 */
function triggerSpendingAlert(command: TriggerSpendingAlert, state: BillingAccountState): BillingAccountEvent[] {
  const alert = state.alerts[command.service];
  if (!alert || !hasLimits(state.plan)) return [];
  if (state.triggered.has(triggerKey(command.service, command.period))) return [];
  const thresholdMicros = thresholdMicrosOf(alert);
  if (!(command.spentBefore < thresholdMicros && command.spentAfter >= thresholdMicros)) return [];
  return [
    {
      type: BillingAccountEventType.SpendingAlertTriggered,
      data: {
        accountId: command.accountId,
        service: command.service,
        period: command.period,
        budgetMicros: alert.budgetMicros,
        thresholdPercent: alert.thresholdPercent,
        thresholdMicros,
        spentMicros: command.spentAfter,
        notify: alert.notify,
      },
    },
  ];
}

function setSpendingCap(command: SetSpendingCap, state: BillingAccountState): BillingAccountEvent[] {
  if (!isMicros(command.capMicros, MAX_LIMIT_MICROS)) {
    throw new BillingRequestInvalidError([
      { field: 'capMicros', message: `capMicros must be a whole number from 0 to ${MAX_LIMIT_MICROS}` },
    ]);
  }
  requireLimits(state, 'Spending caps');
  if (state.spendingCapMicros === command.capMicros) return [];
  return [{ type: BillingAccountEventType.SpendingCapSet, data: { accountId: command.accountId, capMicros: command.capMicros } }];
}

function removeSpendingCap(command: RemoveSpendingCap, state: BillingAccountState): BillingAccountEvent[] {
  requireLimits(state, 'Spending caps');
  if (state.spendingCapMicros === null) return [];
  return [{ type: BillingAccountEventType.SpendingCapRemoved, data: { accountId: command.accountId } }];
}

export function decideBillingAccount(command: BillingAccountCommand, state: BillingAccountState): BillingAccountEvent[] {
  switch (command.kind) {
    case 'ChoosePlan':
      return choosePlan(command, state);
    case 'AssignPlan':
      return assignPlan(command, state);
    case 'SetSpendingAlert':
      return setSpendingAlert(command, state);
    case 'RemoveSpendingAlert':
      return removeSpendingAlert(command, state);
    case 'TriggerSpendingAlert':
      return triggerSpendingAlert(command, state);
    case 'SetSpendingCap':
      return setSpendingCap(command, state);
    case 'RemoveSpendingCap':
      return removeSpendingCap(command, state);
    default:
      return assertNever(command);
  }
}

export const billingAccountDecider: Decider<BillingAccountCommand, BillingAccountState, BillingAccountEvent> = {
  initialState: initialBillingAccountState,
  evolve: evolveBillingAccount,
  decide: decideBillingAccount,
};
