import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiOkResponse, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { RateLimited } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { Metrics } from '@app/metrics';
import { SessionTokensDto } from '../sessions/session-starter';
import { countedSignIn } from './counted-sign-in';
import { SignInCommand, SignInResult } from './sign-in.command';
import { MfaChallengeDto, SignInDto } from './sign-in.dto';

@ApiTags('auth')
@ApiExtraModels(SessionTokensDto, MfaChallengeDto)
@Controller('v1/auth')
export class SignInController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly metrics: Metrics,
  ) {}

  @Post('login')
  @NoStore()
  @HttpCode(200)
  @RateLimited()
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(SessionTokensDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] } })
  @ApiResponse({ status: 401, description: 'invalid_credentials: "Invalid email or password"' })
  @ApiResponse({ status: 403, description: 'account_suspended (only after a correct password)' })
  @ApiResponse({ status: 423, description: 'account_locked, with retryAfter in seconds' })
  @ApiResponse({ status: 429, description: 'rate_limited' })
  login(@Body() body: SignInDto, @Context() context: RequestContext): Promise<SignInResult> {
    return countedSignIn(this.metrics, 'password', () => this.commandBus.execute(new SignInCommand(body.email, body.password, context)));
  }
}
