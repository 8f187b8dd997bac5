import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class RequestPasswordResetCommand extends Command<void> {
  constructor(
    readonly email: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
