import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class MarkNotificationReadCommand extends Command<void> {
  constructor(
    readonly accountId: string,
    readonly notificationId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
