import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class EraseAccountCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly reason: string,
    readonly erasedBy: 'admin' | 'schedule',
    readonly context: RequestContext,
  ) {
    super();
  }
}
