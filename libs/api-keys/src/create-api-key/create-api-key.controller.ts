import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { CreateApiKeyCommand } from './create-api-key.command';
import { CreateApiKeyDto, IssuedApiKeyDto } from './create-api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/api-keys')
export class CreateApiKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @NoStore()
  @HttpCode(201)
  @ApiCreatedResponse({ type: IssuedApiKeyDto, description: 'The full key is in this response only' })
  @ApiBadRequestResponse({ description: 'invalid_request: unknown scope, blank name, expiry in the past' })
  create(
    @Body() body: CreateApiKeyDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<IssuedApiKeyDto> {
    const expiresAt = body.expiresAt == null ? null : new Date(body.expiresAt);
    return this.commandBus.execute(new CreateApiKeyCommand(account.accountId, body.name, body.scopes, expiresAt, context));
  }
}
