import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class RemoveSpendingAlertCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly service: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
