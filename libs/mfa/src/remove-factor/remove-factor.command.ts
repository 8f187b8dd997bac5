import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';

export class RemoveFactorCommand extends Command<void> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly factorId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
