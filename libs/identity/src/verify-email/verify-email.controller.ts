import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { VerifyEmailCommand } from './verify-email.command';
import { VerifyEmailDto } from './verify-email.dto';

@ApiTags('accounts')
@Controller('v1/accounts')
export class VerifyEmailController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('verify-email')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The email is verified (again: still 204)' })
  @ApiBadRequestResponse({ description: 'invalid_token' })
  async verify(@Body() body: VerifyEmailDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new VerifyEmailCommand(body.token, context));
  }
}
