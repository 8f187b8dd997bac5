import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class VerifyEmailCommand extends Command<void> {
  constructor(
    readonly token: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
