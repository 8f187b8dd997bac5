import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { ApiKeyView } from '../read-model/api-key-view';
import { GetApiKeyQuery } from './get-api-key.query';

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/api-keys')
export class GetApiKeyController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @ApiOkResponse({ type: ApiKeyView })
  @ApiNotFoundResponse({ description: "not_found: no such key, or another account's" })
  get(@Param('id') id: string, @CurrentAccount() account: AuthenticatedAccount): Promise<ApiKeyView> {
    return this.queryBus.execute(new GetApiKeyQuery(account.accountId, id));
  }
}
