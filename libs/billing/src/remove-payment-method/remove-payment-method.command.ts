import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class RemovePaymentMethodCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly methodId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
