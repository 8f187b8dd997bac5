import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock, RequestContext, requireRecentSignIn } from '@app/ddd';
import { Context, NoStore, UnauthorizedError } from '@app/http';
import { webauthnFactors } from '../domain/mfa.decider';
import { WebauthnCeremonies } from '../factors/webauthn-ceremonies';
import { MfaAccountDirectory } from '../mfa-accounts';
import { MfaStates } from '../mfa-states';
import { RegisterWebauthnCommand } from './register-webauthn.command';
import { RegisteredKeyDto, RegisterWebauthnDto } from './register-webauthn.dto';

@ApiTags('mfa')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/mfa/webauthn')
export class RegisterWebauthnController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly states: MfaStates,
    private readonly ceremonies: WebauthnCeremonies,
    private readonly accounts: MfaAccountDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Nothing is written: the challenge is bound to this session by its own MAC and lives 5 minutes. */
  @Post('options')
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({
    description: 'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create()',
    schema: { type: 'object', required: ['challenge', 'rp', 'user'], additionalProperties: true },
  })
  @ApiUnauthorizedResponse({ description: 'reauthentication_required' })
  async options(@CurrentAccount() account: AuthenticatedAccount): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const now = this.clock.now();
    requireRecentSignIn(this.states.reauthOf(account), now);
    const email = await this.accounts.emailOf(account.accountId);
    if (email === null) throw new UnauthorizedError();
    const state = await this.states.load(account.accountId);
    return this.ceremonies.registrationOptions({ accountId: account.accountId, email }, webauthnFactors(state), account.sessionId, now);
  }

  @Post()
  @HttpCode(201)
  @NoStore()
  @ApiCreatedResponse({ type: RegisteredKeyDto })
  @ApiUnauthorizedResponse({ description: 'invalid_mfa: the response does not verify; reauthentication_required' })
  register(
    @Body() body: RegisterWebauthnDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<RegisteredKeyDto> {
    return this.commandBus.execute(new RegisterWebauthnCommand(account, body.response, body.nickname, context));
  }
}
