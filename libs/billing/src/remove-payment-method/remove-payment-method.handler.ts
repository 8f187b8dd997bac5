import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { hasUnpaidInvoice } from '../domain/invoice.decider';
import { InvoicingNotFoundError } from '../domain/invoicing.errors';
import { paymentMethodsStream } from '../domain/invoicing.events';
import { paymentMethodsDecider } from '../domain/payment-method.decider';
import { InvoicingStates, isUuid } from '../invoicing/invoicing-states';
import { RemovePaymentMethodCommand } from './remove-payment-method.command';

/** Whether an invoice is unpaid is folded from the account's invoice stream, the log's own fact. */
@CommandHandler(RemovePaymentMethodCommand)
export class RemovePaymentMethodHandler implements ICommandHandler<RemovePaymentMethodCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly states: InvoicingStates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, methodId, context }: RemovePaymentMethodCommand): Promise<void> {
    if (!isUuid(methodId)) throw new InvoicingNotFoundError('payment method');
    const unpaid = hasUnpaidInvoice(await this.states.invoices(accountId));
    const now = this.clock.now();
    await this.runner.run(
      paymentMethodsStream(accountId),
      paymentMethodsDecider,
      { kind: 'RemovePaymentMethod', methodId, hasUnpaidInvoice: unpaid },
      context,
      { accountId, occurredAt: now },
    );
  }
}
