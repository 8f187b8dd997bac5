import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

/** Resolves to whether this run erased the account (false: already erased, or not due for the schedule). */
export class EraseAccountCommand extends Command<boolean> {
  constructor(
    readonly accountId: string,
    readonly reason: string,
    readonly erasedBy: 'admin' | 'schedule',
    readonly context: RequestContext,
  ) {
    super();
  }
}
