import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNoContentResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { EraseAccountCommand } from './erase-account.command';
import { EraseAccountDto } from './erase-account.dto';

@StaffRoutes('admin', 'admin')
@ApiNotFoundResponse({ description: 'not_found' })
@Controller('v1/admin/accounts')
export class EraseAccountController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/erase')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Erased at once (or already was): personal fields read "[erased]", sessions ended, the email free' })
  async erase(@Param('id') accountId: string, @Body() body: EraseAccountDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new EraseAccountCommand(accountId, body.reason, 'admin', context));
  }
}
