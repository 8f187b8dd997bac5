import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class RemoveSpendingCapCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
