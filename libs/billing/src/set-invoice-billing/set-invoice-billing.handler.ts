import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AccountStates } from '@app/identity';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { invoiceBillingDecider } from '../domain/invoice-billing.decider';
import { InvoicingNotFoundError } from '../domain/invoicing.errors';
import { invoiceBillingStream } from '../domain/invoicing.events';
import { InvoicingStates, isUuid } from '../invoicing/invoicing-states';
import { SetInvoiceBillingCommand } from './set-invoice-billing.command';

/** Billing staff only (the controller's guard); the enterprise gate reads the plan from the log. */
@CommandHandler(SetInvoiceBillingCommand)
export class SetInvoiceBillingHandler implements ICommandHandler<SetInvoiceBillingCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: InvoicingStates,
    private readonly accounts: AccountStates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, enabled, context }: SetInvoiceBillingCommand): Promise<void> {
    if (!isUuid(accountId) || !(await this.accounts.load(accountId)).exists) throw new InvoicingNotFoundError('account');
    const plan = await this.states.plan(accountId);
    const now = this.clock.now();
    await this.runner.run(invoiceBillingStream(accountId), invoiceBillingDecider, { kind: 'SetInvoiceBilling', enabled, plan }, context, {
      accountId,
      occurredAt: now,
    });
  }
}
