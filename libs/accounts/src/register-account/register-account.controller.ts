import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiConflictResponse({ description: 'email_taken' })
  register(@Body() body: RegisterAccountDto, @Context() context: RequestContext): Promise<AccountCreatedDto> {
    return this.commandBus.execute(new RegisterAccountCommand(body.email, body.password, context));
  }
}
