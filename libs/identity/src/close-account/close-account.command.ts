import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';

export class CloseAccountCommand extends Command<void> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly password: string | undefined,
    readonly context: RequestContext,
  ) {
    super();
  }
}

/** Asked by the sessions context when a sign-in of a closed account completes (both steps). */
export class ReopenAccountCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly method: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
