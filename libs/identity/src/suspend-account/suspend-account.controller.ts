import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { AuthenticatedAccount, CurrentAccount, StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { ReinstateAccountCommand, SuspendAccountCommand } from './suspend-account.command';
import { SuspendAccountDto } from './suspend-account.dto';

/** Both routes refuse more than a missing role (see `assertMayChangeStanding`). */
const FORBIDDEN = 'forbidden: not support staff; the account holds a staff role (admin only); or it is your own';

@StaffRoutes('support', 'support')
@ApiNotFoundResponse({ description: 'not_found' })
@Controller('v1/support/accounts')
export class SuspendAccountController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/suspend')
  @HttpCode(204)
  @ApiForbiddenResponse({ description: FORBIDDEN })
  @ApiNoContentResponse({ description: 'Suspended (or already was); every session has ended' })
  async suspend(
    @Param('id') accountId: string,
    @Body() body: SuspendAccountDto,
    @CurrentAccount() staff: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new SuspendAccountCommand(accountId, body.reason, staff, context));
  }

  @Post(':id/reinstate')
  @HttpCode(204)
  @ApiForbiddenResponse({ description: FORBIDDEN })
  @ApiNoContentResponse({ description: 'Active again (or already was); the holder signs in anew' })
  async reinstate(
    @Param('id') accountId: string,
    @CurrentAccount() staff: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new ReinstateAccountCommand(accountId, staff, context));
  }
}
