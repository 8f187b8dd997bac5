import { Controller, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { LinkedIdentityDto } from '../list-identities/linked-identity.dto';
import { OidcRoundTrips, queryStringOf } from '../oidc/oidc-round-trips';
import { BeginIdentityLinkCommand, CompleteIdentityLinkCommand } from './link-identity.commands';

export class IdentityLinkStartedDto {
  @ApiProperty({ description: 'Send the browser here; the flow cookie set with this answer must go along to the callback' })
  authorizationUrl: string;
}

@ApiTags('accounts')
@ApiParam({ name: 'provider', description: 'A provider name from OIDC_PROVIDERS', example: 'google' })
@Controller('v1/me/identities')
export class LinkIdentityController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly roundTrips: OidcRoundTrips,
  ) {}

  /** A POST with the access token (a browser redirect could not carry it), answering where to go. */
  @Post(':provider')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(AccountAuthGuard)
  @ApiOkResponse({ type: IdentityLinkStartedDto, description: 'Sets the HttpOnly flow cookie (10 minutes)' })
  @ApiResponse({ status: 404, description: 'not_found: no such provider' })
  @ApiResponse({ status: 409, description: "email_not_verified: the account's email must be verified first" })
  @ApiResponse({ status: 502, description: 'oidc_provider_unavailable' })
  async begin(
    @Param('provider') provider: string,
    @CurrentAccount() account: AuthenticatedAccount,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IdentityLinkStartedDto> {
    const { authorizationUrl, flowCookie } = await this.commandBus.execute(new BeginIdentityLinkCommand(account, provider));
    reply.header('cache-control', 'no-store').header('set-cookie', flowCookie);
    return { authorizationUrl };
  }

  @Get(':provider/callback')
  @ApiOkResponse({ type: LinkedIdentityDto })
  @ApiResponse({ status: 400, description: 'invalid_oidc_state' })
  @ApiResponse({ status: 401, description: 'invalid_oidc_response; unauthorized when the session that started linking has ended' })
  @ApiResponse({ status: 404, description: 'not_found: no such provider' })
  @ApiResponse({
    status: 409,
    description: 'identity_in_use (linked to another account); identity_provider_already_linked; email_not_verified',
  })
  @ApiResponse({ status: 502, description: 'oidc_provider_unavailable' })
  callback(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Context() context: RequestContext,
  ): Promise<LinkedIdentityDto> {
    reply.header('cache-control', 'no-store').header('set-cookie', this.roundTrips.end('link', provider));
    return this.commandBus.execute(new CompleteIdentityLinkCommand(provider, queryStringOf(request), request.headers.cookie, context));
  }
}
