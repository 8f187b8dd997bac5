import {
  billingAccountDecider,
  BillingAccountState,
  billingAccountStream,
  invoiceBillingDecider,
  InvoiceBillingState,
  invoiceBillingStream,
} from '@app/billing';
import { DomainEvent, Occurred } from '@app/ddd';
import { mfaDecider, MfaState, mfaStream } from '@app/mfa';
import { HistorySection } from '../domain/state-replay';

/** Factors from the MFA context's stream: `{enabled, factors: [{id, type, nickname, createdAt}]}`. */
export const mfaSection: HistorySection<MfaState> = {
  name: 'mfa',
  owns: (stream) => stream.startsWith(mfaStream('')),
  initialState: mfaDecider.initialState,
  evolve: (state, event: Occurred<DomainEvent>) => mfaDecider.evolve(state, event as Parameters<typeof mfaDecider.evolve>[1]),
  view: (states) => {
    const factors = states.flatMap((state) =>
      state.factors.map((factor) => ({ id: factor.factorId, type: factor.type, nickname: factor.nickname, createdAt: factor.createdAt })),
    );
    return { enabled: factors.length > 0, factors };
  },
};

/** Plan and spending cap from the billing account's stream (a new account is on basic, no cap). */
export const billingAccountSection: HistorySection<BillingAccountState> = {
  name: 'billing',
  owns: (stream) => stream.startsWith(billingAccountStream('')),
  initialState: billingAccountDecider.initialState,
  evolve: (state, event: Occurred<DomainEvent>) =>
    billingAccountDecider.evolve(state, event as Parameters<typeof billingAccountDecider.evolve>[1]),
  view: (states) => {
    const state = states[0] ?? billingAccountDecider.initialState;
    return { plan: state.plan, spendingCapMicros: state.spendingCapMicros };
  },
};

/** Net-30 invoice billing from its own stream (off until billing staff turn it on). */
export const invoiceBillingSection: HistorySection<InvoiceBillingState> = {
  name: 'billing',
  owns: (stream) => stream.startsWith(invoiceBillingStream('')),
  initialState: invoiceBillingDecider.initialState,
  evolve: (state, event: Occurred<DomainEvent>) =>
    invoiceBillingDecider.evolve(state, event as Parameters<typeof invoiceBillingDecider.evolve>[1]),
  view: (states) => ({ invoiceBilling: (states[0] ?? invoiceBillingDecider.initialState).enabled }),
};
