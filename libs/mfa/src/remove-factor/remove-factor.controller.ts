import { Controller, Delete, HttpCode, Param, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RemoveFactorCommand } from './remove-factor.command';

@ApiTags('mfa')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/mfa')
export class RemoveFactorController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':factorId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed; the last factor turns MFA off and voids the recovery codes' })
  @ApiNotFoundResponse({ description: "not_found: no such confirmed factor, or another account's" })
  @ApiUnauthorizedResponse({ description: 'reauthentication_required' })
  async remove(
    @Param('factorId') factorId: string,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new RemoveFactorCommand(account, factorId, context));
  }
}
