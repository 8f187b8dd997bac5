import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class RecordInvoicePaymentCommand extends Command<void> {
  constructor(
    readonly invoiceId: string,
    readonly amountMicros: number,
    readonly paidAt: Date,
    readonly reference: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
