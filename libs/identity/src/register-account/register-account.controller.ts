import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { RateLimited } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { AccountCreatedDto, RegisterAccountDto } from './register-account.dto';
import { RegisterAccountCommand } from './register-account.command';

@ApiTags('accounts')
@Controller('v1/accounts')
export class RegisterAccountController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: AccountCreatedDto })
  @RateLimited()
  @ApiConflictResponse({ description: 'email_taken' })
  @ApiBadRequestResponse({ description: 'weak_password with `violations` listing every rule broken, or invalid_request' })
  @ApiTooManyRequestsResponse({ description: 'rate_limited' })
  register(@Body() body: RegisterAccountDto, @Context() context: RequestContext): Promise<AccountCreatedDto> {
    return this.commandBus.execute(new RegisterAccountCommand(body.email, body.password, context));
  }
}
