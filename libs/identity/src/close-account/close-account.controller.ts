import { Body, Controller, Delete, HttpCode, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount, RateLimited } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { CloseAccountCommand } from './close-account.command';
import { CloseAccountDto } from './close-account.dto';

@ApiTags('accounts')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me')
export class CloseAccountController {
  constructor(private readonly commandBus: CommandBus) {}

  /** Limited like sign-in: a stolen access token must not become a way to guess the password. */
  @Delete()
  @RateLimited()
  @HttpCode(204)
  @ApiBody({ type: CloseAccountDto, required: false })
  @ApiNoContentResponse({
    description:
      'Closed at once: every session ended, every key revoked, usage refused (account_closed). A completed sign-in within ERASURE_GRACE_SECONDS reopens it (keys stay revoked); after that it is erased',
  })
  @ApiBadRequestResponse({ description: 'invalid_current_password: missing or wrong, when the sign-in completed no second step' })
  @ApiUnauthorizedResponse({ description: 'reauthentication_required: no sign-in within REAUTH_WINDOW_SECONDS' })
  async close(
    @CurrentAccount() account: AuthenticatedAccount,
    @Body() body: CloseAccountDto,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new CloseAccountCommand(account, body?.password, context));
  }
}
