import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class RegisterAccountCommand extends Command<{ accountId: string }> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
