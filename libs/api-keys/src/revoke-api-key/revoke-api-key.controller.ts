import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/api-keys')
export class RevokeApiKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/revoke')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked (again: still 204); refused by verify everywhere within a second' })
  @ApiNotFoundResponse({ description: "not_found: no such key, or another account's" })
  async revoke(
    @Param('id') id: string,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new RevokeApiKeyCommand(account.accountId, id, context));
  }
}
