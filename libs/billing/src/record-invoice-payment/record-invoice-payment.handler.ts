import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { accountInvoicesDecider } from '../domain/invoice.decider';
import { InvoicingRequestInvalidError } from '../domain/invoicing.errors';
import { accountInvoicesStream } from '../domain/invoicing.events';
import { AccountInvoice } from '../invoicing/account-invoice';
import { RecordInvoicePaymentCommand } from './record-invoice-payment.command';

@CommandHandler(RecordInvoicePaymentCommand)
export class RecordInvoicePaymentHandler implements ICommandHandler<RecordInvoicePaymentCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly invoice: AccountInvoice,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ invoiceId, amountMicros, paidAt, reference, context }: RecordInvoicePaymentCommand): Promise<void> {
    const now = this.clock.now();
    if (paidAt.getTime() > now.getTime()) {
      throw new InvoicingRequestInvalidError([{ field: 'paidAt', message: 'paidAt must not be in the future' }]);
    }
    const { accountId } = await this.invoice.find(invoiceId);
    await this.runner.run(
      accountInvoicesStream(accountId),
      accountInvoicesDecider,
      { kind: 'RecordInvoicePayment', invoiceId, amountMicros, paidAt, reference },
      context,
      { accountId, occurredAt: now },
    );
  }
}
