import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiOkResponse, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { RateLimited } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { Metrics } from '@app/metrics';
import { SessionTokensDto } from '../sessions/session-starter';
import { countedSignIn } from '../sign-in/counted-sign-in';
import { SignInResult } from '../sign-in/sign-in.command';
import { MfaChallengeDto } from '../sign-in/sign-in.dto';
import { ExchangeOidcCodeCommand } from './exchange-oidc-code.command';
import { ExchangeOidcCodeDto } from './exchange-oidc-code.dto';

@ApiTags('auth')
@ApiExtraModels(SessionTokensDto, MfaChallengeDto)
@Controller('v1/auth/oidc')
export class ExchangeOidcCodeController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly metrics: Metrics,
  ) {}

  @Post('exchange')
  @NoStore()
  @HttpCode(200)
  @RateLimited()
  @ApiOkResponse({
    description: 'The answer the callback would have given: tokens, or the second step of the sign-in',
    schema: { oneOf: [{ $ref: getSchemaPath(SessionTokensDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] },
  })
  @ApiResponse({ status: 400, description: 'invalid_token: the code is unknown, already used, or older than 60 seconds (one answer)' })
  @ApiResponse({ status: 403, description: 'account_suspended' })
  @ApiResponse({ status: 423, description: 'account_locked, with retryAfter in seconds' })
  exchange(@Body() body: ExchangeOidcCodeDto, @Context() context: RequestContext): Promise<SignInResult> {
    // The hub's social sign-in ends here (the callback answered with a code): counted as `oidc`.
    return countedSignIn(this.metrics, 'oidc', () => this.commandBus.execute(new ExchangeOidcCodeCommand(body.code, context)));
  }
}
