import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { EnrolTotpCommand } from './enrol-totp.command';
import { EnrolTotpDto, TotpEnrolmentDto } from './enrol-totp.dto';

@ApiTags('mfa')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/mfa/totp')
export class EnrolTotpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @NoStore()
  @ApiCreatedResponse({ type: TotpEnrolmentDto, description: 'A pending factor; confirm it within 10 minutes' })
  @ApiUnauthorizedResponse({ description: 'reauthentication_required: no sign-in within REAUTH_WINDOW_SECONDS' })
  enrol(
    @Body() body: EnrolTotpDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<TotpEnrolmentDto> {
    return this.commandBus.execute(new EnrolTotpCommand(account, body.nickname, context));
  }
}
