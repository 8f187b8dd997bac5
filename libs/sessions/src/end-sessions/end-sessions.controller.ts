import { Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { EndSessionsCommand } from './end-sessions.command';

@ApiTags('auth')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/auth')
export class SignOutController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The current session has ended; its tokens no longer work' })
  async logout(@CurrentAccount() account: AuthenticatedAccount, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new EndSessionsCommand(account, { kind: 'current' }, context));
  }
}

@ApiTags('sessions')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/sessions')
export class EndSessionsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse({ description: 'not_found: no live session of this account has that id' })
  async endOne(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') sessionId: string,
    @Context() context: RequestContext,
  ): Promise<void> {
    await this.commandBus.execute(new EndSessionsCommand(account, { kind: 'one', sessionId }, context));
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every other session of this account has ended; this one lives on' })
  async endOthers(@CurrentAccount() account: AuthenticatedAccount, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new EndSessionsCommand(account, { kind: 'others' }, context));
  }
}
