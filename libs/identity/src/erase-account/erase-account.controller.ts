import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { RequireRoles, StaffGuard } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { EraseAccountCommand } from './erase-account.command';
import { EraseAccountDto } from './erase-account.dto';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(StaffGuard)
@RequireRoles('admin')
@ApiForbiddenResponse({ description: 'forbidden: not an admin' })
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
