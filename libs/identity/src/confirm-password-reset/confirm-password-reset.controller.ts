import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { RateLimited } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { ConfirmPasswordResetCommand } from './confirm-password-reset.command';
import { ConfirmPasswordResetDto } from './confirm-password-reset.dto';

@ApiTags('auth')
@Controller('v1/auth/password-reset')
export class ConfirmPasswordResetController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('confirm')
  @HttpCode(204)
  @RateLimited()
  @ApiNoContentResponse({
    description: 'The password is set; every session has ended; the email sign-in lockout is cleared; MFA is untouched',
  })
  @ApiBadRequestResponse({
    description:
      'invalid_token (malformed, unknown, expired, used or superseded: one answer); weak_password with `violations` (the link still works)',
  })
  @ApiForbiddenResponse({ description: 'account_suspended, for an otherwise valid link (the link is not used up)' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited' })
  async confirm(@Body() body: ConfirmPasswordResetDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new ConfirmPasswordResetCommand(body.token, body.newPassword, context));
  }
}
