import { Injectable } from '@nestjs/common';
import { CommandRunner } from '@app/ddd';
import { disputeDecider, DisputeState } from '../domain/dispute.decider';
import { AccountInvoicesState, accountInvoicesDecider } from '../domain/invoice.decider';
import { invoiceBillingDecider, InvoiceBillingState } from '../domain/invoice-billing.decider';
import { accountInvoicesStream, disputeStream, invoiceBillingStream, paymentMethodsStream } from '../domain/invoicing.events';
import { paymentMethodsDecider, PaymentMethodsState } from '../domain/payment-method.decider';
import { planStream, planOfEvents } from './account-plan';

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

  async plan(accountId: string): Promise<string> {
    const { events } = await this.runner.load(planStream(accountId), { initialState: null, evolve: (state: null) => state });
    return planOfEvents(events);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ids this context hands out are UUIDs; anything else is answered as unknown without a store read. */
export const isUuid = (value: string): boolean => UUID.test(value);
