import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { IssuedApiKeyDto } from '../create-api-key/create-api-key.dto';
import { RotateApiKeyCommand } from './rotate-api-key.command';
import { RotateApiKeyDto } from './rotate-api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/api-keys')
export class RotateApiKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/rotate')
  @NoStore()
  @HttpCode(201)
  @ApiCreatedResponse({ type: IssuedApiKeyDto, description: 'The new key (same name, scopes and expiry), shown once' })
  @ApiNotFoundResponse({ description: "not_found: no such key, or another account's" })
  @ApiConflictResponse({ description: 'api_key_inactive (revoked or expired) or api_key_already_rotated' })
  rotate(
    @Param('id') id: string,
    @Body() body: RotateApiKeyDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<IssuedApiKeyDto> {
    return this.commandBus.execute(new RotateApiKeyCommand(account.accountId, id, body.gracePeriodSeconds, context));
  }
}
