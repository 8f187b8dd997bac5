import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiOkResponse, ApiParam, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimited } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { OidcRoundTrips, queryStringOf } from '@app/identity';
import { Metrics } from '@app/metrics';
import { SessionTokensDto } from '../sessions/session-starter';
import { countedSignIn } from '../sign-in/counted-sign-in';
import { SignInResult } from '../sign-in/sign-in.command';
import { MfaChallengeDto } from '../sign-in/sign-in.dto';
import { CompleteOidcSignInCommand } from './complete-oidc-sign-in.command';

@ApiTags('auth')
@ApiExtraModels(SessionTokensDto, MfaChallengeDto)
@ApiParam({ name: 'provider', description: 'A provider name from OIDC_PROVIDERS', example: 'google' })
@Controller('v1/auth/oidc')
export class OidcSignInController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly roundTrips: OidcRoundTrips,
    private readonly metrics: Metrics,
  ) {}

  @Get(':provider/start')
  @RateLimited()
  @ApiResponse({ status: 302, description: "To the provider's authorization endpoint; sets the HttpOnly flow cookie (10 minutes)" })
  @ApiResponse({ status: 404, description: 'not_found: no such provider' })
  @ApiResponse({ status: 502, description: 'oidc_provider_unavailable: discovery failed' })
  async start(@Param('provider') provider: string, @Res() reply: FastifyReply): Promise<void> {
    const { authorizationUrl, flowCookie } = await this.roundTrips.begin('sign_in', provider);
    await reply
      .status(302)
      .header('cache-control', 'no-store')
      .header('set-cookie', flowCookie)
      .header('location', authorizationUrl)
      .send();
  }

  @Get(':provider/callback')
  @RateLimited()
  @ApiOkResponse({
    description: 'The same answer as a password sign-in',
    schema: { oneOf: [{ $ref: getSchemaPath(SessionTokensDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] },
  })
  @ApiResponse({ status: 400, description: 'invalid_oidc_state (no flow cookie, expired, or another state); oidc_email_missing' })
  @ApiResponse({
    status: 401,
    description: 'invalid_oidc_response: the provider refused, or its answer failed a check (code, PKCE, ID token, nonce)',
  })
  @ApiResponse({ status: 403, description: 'account_suspended' })
  @ApiResponse({ status: 404, description: 'not_found: no such provider' })
  @ApiResponse({ status: 409, description: 'account_exists_unlinked: sign in with the password, then link from settings; identity_in_use' })
  @ApiResponse({ status: 423, description: 'account_locked, with retryAfter in seconds' })
  @ApiResponse({ status: 502, description: 'oidc_provider_unavailable' })
  callback(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Context() context: RequestContext,
  ): Promise<SignInResult> {
    // Used once, whatever the outcome (set before anything can fail, so error answers carry it too).
    reply.header('cache-control', 'no-store').header('set-cookie', this.roundTrips.end('sign_in', provider));
    return countedSignIn(this.metrics, 'oidc', () =>
      this.commandBus.execute(new CompleteOidcSignInCommand(provider, queryStringOf(request), request.headers.cookie, context)),
    );
  }
}
