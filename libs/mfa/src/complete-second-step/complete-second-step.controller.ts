import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { RateLimited } from '@app/auth';
import { CLOCK } from '@app/core';
import { Clock, RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { Metrics } from '@app/metrics';
import { countedSignIn, SessionTokensDto } from '@app/sessions';
import { signInOpen, webauthnFactors } from '../domain/mfa.decider';
import { InvalidMfaError } from '../domain/mfa.errors';
import { WebauthnCeremonies } from '../factors/webauthn-ceremonies';
import { MfaStates } from '../mfa-states';
import { MfaTokens } from '../second-step/mfa-tokens';
import { CompleteSecondStepCommand } from './complete-second-step.command';
import { CompleteSecondStepDto, SecondStepOptionsDto } from './complete-second-step.dto';

@ApiTags('auth')
@Controller('v1/auth/mfa')
export class CompleteSecondStepController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly tokens: MfaTokens,
    private readonly states: MfaStates,
    private readonly ceremonies: WebauthnCeremonies,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  @Post()
  @HttpCode(200)
  @NoStore()
  @RateLimited()
  @ApiOkResponse({ type: SessionTokensDto })
  @ApiResponse({ status: 400, description: 'invalid_request: not exactly one well-formed proof; nothing written' })
  @ApiResponse({
    status: 401,
    description: 'invalid_mfa: wrong proof (counts toward the lockout), or an expired, spent or forged mfaToken',
  })
  @ApiResponse({ status: 423, description: 'account_locked, with retryAfter in seconds' })
  complete(@Body() body: CompleteSecondStepDto, @Context() context: RequestContext): Promise<SessionTokensDto> {
    return countedSignIn(this.metrics, 'second_step', () => this.commandBus.execute(new CompleteSecondStepCommand(body, context)));
  }

  /** Nothing is written: the challenge is bound to this sign-in by its MAC and lives 5 minutes. */
  @Post('webauthn/options')
  @HttpCode(200)
  @NoStore()
  @RateLimited()
  @ApiOkResponse({
    description: "PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get(), listing the account's keys",
    schema: { type: 'object', required: ['challenge', 'allowCredentials'], additionalProperties: true },
  })
  @ApiResponse({ status: 401, description: 'invalid_mfa: an expired, spent or forged mfaToken, or an account without security keys' })
  async options(@Body() body: SecondStepOptionsDto): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const now = this.clock.now();
    const claims = this.tokens.verify(body.mfaToken, now);
    const state = await this.states.load(claims.accountId);
    const keys = webauthnFactors(state);
    if (!signInOpen(state, claims.signIn, now) || keys.length === 0) throw new InvalidMfaError();
    return this.ceremonies.authenticationOptions(keys, claims.signIn.signInId, now);
  }
}
