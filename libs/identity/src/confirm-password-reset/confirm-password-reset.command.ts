import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class ConfirmPasswordResetCommand extends Command<void> {
  constructor(
    readonly token: string,
    readonly newPassword: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
