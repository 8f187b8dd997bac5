import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount, RateLimited } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { ChangePasswordCommand } from './change-password.command';
import { ChangePasswordDto } from './change-password.dto';

@ApiTags('accounts')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/password')
export class ChangePasswordController {
  constructor(private readonly commandBus: CommandBus) {}

  /** Limited like sign-in: a stolen access token must not become a way to guess the current password. */
  @Post()
  @RateLimited()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Changed; every session of the account has ended' })
  @ApiBadRequestResponse({ description: 'invalid_current_password, or weak_password with violations' })
  async change(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() body: ChangePasswordDto,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new ChangePasswordCommand(account, body.currentPassword, body.newPassword, context));
  }
}
