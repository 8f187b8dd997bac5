import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class UnlinkIdentityCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly provider: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
