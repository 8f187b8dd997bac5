import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiOkResponse, ApiParam, ApiPropertyOptional, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimited } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { RequestContext } from '@app/ddd';
import { Context, InvalidRequestError } from '@app/http';
import { OidcRoundTrips, queryStringOf } from '@app/identity';
import { Metrics } from '@app/metrics';
import { hubReturnUrl } from '../domain/oidc-return-to';
import { SessionTokensDto } from '../sessions/session-starter';
import { countedSignIn, signInOutcome } from '../sign-in/counted-sign-in';
import { SignInResult } from '../sign-in/sign-in.command';
import { MfaChallengeDto } from '../sign-in/sign-in.dto';
import { CompleteOidcSignInCommand } from './complete-oidc-sign-in.command';

export class OidcStartQueryDto {
  @ApiPropertyOptional({
    description:
      'A page of the hub on PUBLIC_URL (`/hub/oidc`, or the full URL): the callback then redirects there with `#code=<one-time code>` for POST /v1/auth/oidc/exchange instead of answering tokens',
    example: '/hub/oidc',
  })
  @IsOptional()
  @IsString()
  returnTo?: string;
}

@ApiTags('auth')
@ApiExtraModels(SessionTokensDto, MfaChallengeDto)
@ApiParam({ name: 'provider', description: 'A provider name from OIDC_PROVIDERS', example: 'google' })
@Controller('v1/auth/oidc')
export class OidcSignInController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly roundTrips: OidcRoundTrips,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly metrics: Metrics,
  ) {}

  @Get(':provider/start')
  @RateLimited()
  @ApiResponse({ status: 302, description: "To the provider's authorization endpoint; sets the HttpOnly flow cookie (10 minutes)" })
  @ApiResponse({ status: 400, description: 'invalid_request: returnTo is not a page of the hub on PUBLIC_URL' })
  @ApiResponse({ status: 404, description: 'not_found: no such provider' })
  @ApiResponse({ status: 502, description: 'oidc_provider_unavailable: discovery failed' })
  async start(@Param('provider') provider: string, @Query() query: OidcStartQueryDto, @Res() reply: FastifyReply): Promise<void> {
    let returnTo: string | undefined;
    if (query.returnTo !== undefined) {
      returnTo = hubReturnUrl(query.returnTo, this.config.publicUrl) ?? undefined;
      if (returnTo === undefined) {
        throw new InvalidRequestError([{ field: 'returnTo', message: 'returnTo must be a page of the hub (/hub/...) on PUBLIC_URL' }]);
      }
    }
    const { authorizationUrl, flowCookie } = await this.roundTrips.begin('sign_in', provider, { returnTo });
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
    description: 'The same answer as a password sign-in (a round trip started without returnTo)',
    schema: { oneOf: [{ $ref: getSchemaPath(SessionTokensDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] },
  })
  @ApiResponse({
    status: 302,
    description:
      'A round trip started with returnTo: to `returnTo#code=<one-time code>` (60 seconds, once, for POST /v1/auth/oidc/exchange), or, for a refusal once the flow cookie matched, to `returnTo#error=<code>` (with `&retryAfter=` for account_locked)',
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
  async callback(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Context() context: RequestContext,
  ): Promise<SignInResult | undefined> {
    // Used once, whatever the outcome (set before anything can fail, so error answers carry it too).
    reply.header('cache-control', 'no-store').header('set-cookie', this.roundTrips.end('sign_in', provider));
    // Counted here when it answers or refuses; a hub round trip that ends in a code counts at the exchange.
    const answer = await countedSignIn(
      this.metrics,
      'oidc',
      () => this.commandBus.execute(new CompleteOidcSignInCommand(provider, queryStringOf(request), request.headers.cookie, context)),
      (done) =>
        done.kind === 'signed_in'
          ? signInOutcome(done.result)
          : (new URLSearchParams(done.location.split('#')[1]).get('error') ?? undefined),
    );
    if (answer.kind === 'signed_in') return answer.result;
    // The code is in the fragment: browsers do not send it to servers, nor pass it on in a Referer.
    reply.status(302).header('location', answer.location);
    return undefined;
  }
}
