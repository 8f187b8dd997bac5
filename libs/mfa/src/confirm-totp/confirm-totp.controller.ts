import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { ConfirmTotpCommand } from './confirm-totp.command';
import { ConfirmedFactorDto, ConfirmTotpDto } from './confirm-totp.dto';

@ApiTags('mfa')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/mfa/totp')
export class ConfirmTotpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':factorId/verify')
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: ConfirmedFactorDto })
  @ApiUnauthorizedResponse({ description: 'invalid_mfa: the code is not current; reauthentication_required' })
  @ApiNotFoundResponse({ description: 'not_found: no pending factor with this id (unknown, expired, confirmed, or another account)' })
  confirm(
    @Param('factorId') factorId: string,
    @Body() body: ConfirmTotpDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<ConfirmedFactorDto> {
    return this.commandBus.execute(new ConfirmTotpCommand(account, factorId, body.code, context));
  }
}
