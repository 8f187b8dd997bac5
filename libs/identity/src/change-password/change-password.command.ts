import { Command } from '@nestjs/cqrs';
import { AuthenticatedAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';

export class ChangePasswordCommand extends Command<void> {
  constructor(
    readonly account: AuthenticatedAccount,
    readonly currentPassword: string,
    readonly newPassword: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
