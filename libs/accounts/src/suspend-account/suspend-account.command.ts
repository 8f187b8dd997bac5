import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class SuspendAccountCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly reason: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}

export class ReinstateAccountCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
