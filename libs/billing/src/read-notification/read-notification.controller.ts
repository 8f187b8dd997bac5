import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { MarkNotificationReadCommand } from './read-notification.command';

@ApiTags('notifications')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/notifications')
export class ReadNotificationController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/read')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Marked read (again: still 204)' })
  @ApiNotFoundResponse({ description: "not_found: no such notification, or another account's" })
  async read(@Param('id') id: string, @CurrentAccount() account: AuthenticatedAccount, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new MarkNotificationReadCommand(account.accountId, id, context));
  }
}
