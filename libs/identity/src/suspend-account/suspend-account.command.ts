import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';

export class SuspendAccountCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly reason: string,
    readonly staff: AuthenticatedAccount,
    readonly context: RequestContext,
  ) {
    super();
  }
}

export class ReinstateAccountCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly staff: AuthenticatedAccount,
    readonly context: RequestContext,
  ) {
    super();
  }
}
