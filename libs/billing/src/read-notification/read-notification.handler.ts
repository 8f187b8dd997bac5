import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { notificationsStream } from '../domain/notification.events';
import { notificationsDecider } from '../domain/notifications.decider';
import { MarkNotificationReadCommand } from './read-notification.command';

/** Decided on the account's own notification stream: another account's id is simply not there (404). */
@CommandHandler(MarkNotificationReadCommand)
export class MarkNotificationReadHandler implements ICommandHandler<MarkNotificationReadCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, notificationId, context }: MarkNotificationReadCommand): Promise<void> {
    await this.runner.run(
      notificationsStream(accountId),
      notificationsDecider,
      { kind: 'MarkNotificationRead', accountId, notificationId },
      context,
      {
        accountId,
        occurredAt: this.clock.now(),
      },
    );
  }
}
