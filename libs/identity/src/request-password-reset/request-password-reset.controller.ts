import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { RateLimited } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RequestPasswordResetCommand } from './request-password-reset.command';
import { RequestPasswordResetDto } from './request-password-reset.dto';

@ApiTags('auth')
@Controller('v1/auth/password-reset')
export class RequestPasswordResetController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(202)
  @RateLimited()
  @ApiAcceptedResponse({
    description: 'Always `{}`, whether or not an account has the email; the mail (if any) follows within 2 minutes',
    schema: { type: 'object', additionalProperties: false },
  })
  @ApiBadRequestResponse({ description: 'invalid_request' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited' })
  async request(@Body() body: RequestPasswordResetDto, @Context() context: RequestContext): Promise<Record<string, never>> {
    await this.commandBus.execute(new RequestPasswordResetCommand(body.email, context));
    return {};
  }
}
