import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class SetInvoiceBillingCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly enabled: boolean,
    readonly context: RequestContext,
  ) {
    super();
  }
}
