import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { SessionTokensDto } from '../sessions/session-starter';
import { RefreshSessionCommand } from './refresh-session.command';
import { RefreshSessionDto } from './refresh-session.dto';

@ApiTags('auth')
@Controller('v1/auth')
export class RefreshSessionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: SessionTokensDto })
  @ApiUnauthorizedResponse({ description: 'unauthorized: unknown, rotated (the session then ends) or ended' })
  refresh(@Body() body: RefreshSessionDto, @Context() context: RequestContext): Promise<SessionTokensDto> {
    return this.commandBus.execute(new RefreshSessionCommand(body.refreshToken, context));
  }
}
