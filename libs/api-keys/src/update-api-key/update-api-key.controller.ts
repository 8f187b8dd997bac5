import { Body, Controller, Param, Patch, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { ApiKeyView } from '../read-model/api-key-view';
import { UpdateApiKeyCommand } from './update-api-key.command';
import { UpdateApiKeyDto } from './update-api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/api-keys')
export class UpdateApiKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':id')
  @ApiOkResponse({ type: ApiKeyView })
  @ApiNotFoundResponse({ description: "not_found: no such key, or another account's" })
  @ApiConflictResponse({ description: 'api_key_inactive: the key is revoked or expired' })
  update(
    @Param('id') id: string,
    @Body() body: UpdateApiKeyDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<ApiKeyView> {
    return this.commandBus.execute(new UpdateApiKeyCommand(account.accountId, id, { name: body.name, scopes: body.scopes }, context));
  }
}
