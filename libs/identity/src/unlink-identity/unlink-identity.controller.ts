import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { UnlinkIdentityCommand } from './unlink-identity.command';

@ApiTags('accounts')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/identities')
export class UnlinkIdentityController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':provider')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Unlinked; the identity may then be linked to another account' })
  @ApiNotFoundResponse({ description: 'not_found: no identity of that provider is linked' })
  @ApiConflictResponse({ description: 'last_sign_in_method: the account has no password and no other provider' })
  async unlink(
    @Param('provider') provider: string,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new UnlinkIdentityCommand(account.accountId, provider, context));
  }
}
