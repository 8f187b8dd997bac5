import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class RespondToDisputeCommand extends Command<void> {
  constructor(
    readonly disputeId: string,
    readonly message: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
