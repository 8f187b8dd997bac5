import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { ApiKeyPageDto } from '../read-model/api-key-view';
import { ListApiKeysQueryDto } from './list-api-keys.dto';
import { ListApiKeysQuery } from './list-api-keys.query';

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/api-keys')
export class ListApiKeysController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOkResponse({ type: ApiKeyPageDto, description: 'Every key of the account, newest first, with its status' })
  list(@Query() query: ListApiKeysQueryDto, @CurrentAccount() account: AuthenticatedAccount): Promise<ApiKeyPageDto> {
    return this.queryBus.execute(
      new ListApiKeysQuery(account.accountId, {
        status: query.status || undefined,
        cursor: query.cursor || undefined,
        limit: query.limit ? Number(query.limit) : undefined,
      }),
    );
  }
}
