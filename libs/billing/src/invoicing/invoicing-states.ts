import { Injectable } from '@nestjs/common';
import { CommandRunner } from '@app/ddd';
import { billingAccountDecider } from '../domain/billing-account.decider';
import { billingAccountStream, Plan } from '../domain/billing-account.events';
import { disputeDecider, DisputeState } from '../domain/dispute.decider';
import { AccountInvoicesState, accountInvoicesDecider } from '../domain/invoice.decider';
import { invoiceBillingDecider, InvoiceBillingState } from '../domain/invoice-billing.decider';
import { accountInvoicesStream, disputeStream, invoiceBillingStream, paymentMethodsStream } from '../domain/invoicing.events';
import { paymentMethodsDecider, PaymentMethodsState } from '../domain/payment-method.decider';

/** What gates invoicing decisions, always folded from the event store (never from a read model). */
@Injectable()
export class InvoicingStates {
  constructor(private readonly runner: CommandRunner) {}

  async paymentMethods(accountId: string): Promise<PaymentMethodsState> {
    return (await this.runner.load(paymentMethodsStream(accountId), paymentMethodsDecider)).state;
  }

  async invoices(accountId: string): Promise<AccountInvoicesState> {
    return (await this.runner.load(accountInvoicesStream(accountId), accountInvoicesDecider)).state;
  }

  async invoiceBilling(accountId: string): Promise<InvoiceBillingState> {
    return (await this.runner.load(invoiceBillingStream(accountId), invoiceBillingDecider)).state;
  }

  async dispute(disputeId: string): Promise<DisputeState> {
    return (await this.runner.load(disputeStream(disputeId), disputeDecider)).state;
  }

  /** The plan from the account's billing stream (a new account is on basic). */
  async plan(accountId: string): Promise<Plan> {
    return (await this.runner.load(billingAccountStream(accountId), billingAccountDecider)).state.plan;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ids this context hands out are UUIDs; anything else is answered as unknown without a store read. */
export const isUuid = (value: string): boolean => UUID.test(value);
