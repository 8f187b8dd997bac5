import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { VerifiedKey } from './key-verification-policy';
import { VerifiedKeyDto, VerifyKeyDto } from './verify-api-key.dto';
import { VerifyApiKeyEndpoint } from './verify-api-key.endpoint';

/**
 * The platform backend calls this on every request it serves: the hot path of the whole platform.
 * Requests normally reach `VerifyApiKeyEndpoint` through the fast lane before NestJS; this controller
 * documents the route and serves what the fast lane passes on (e.g. in-process `inject` in tests).
 */
@ApiTags('api-keys')
@ApiBearerAuth('serviceToken')
@Controller('v1/keys')
export class VerifyApiKeyController {
  constructor(private readonly endpoint: VerifyApiKeyEndpoint) {}

  @Post('verify')
  @HttpCode(200)
  // Fastify serialises the answer with a compiled serializer instead of JSON.stringify.
  @RouteSchema({
    response: {
      200: {
        type: 'object',
        properties: {
          valid: { type: 'boolean' },
          accountId: { type: 'string' },
          keyId: { type: 'string' },
          scopes: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  })
  @ApiBody({ type: VerifyKeyDto })
  @ApiOkResponse({ type: VerifiedKeyDto })
  @ApiUnauthorizedResponse({ description: 'invalid_key (malformed, unknown, revoked or expired: one answer), or invalid_service_token' })
  @ApiForbiddenResponse({ description: 'scope_denied, or account_suspended' })
  verify(@Headers() headers: Record<string, string | string[] | undefined>, @Body() body: unknown): VerifiedKey | Promise<VerifiedKey> {
    return this.endpoint.handle(headers, body);
  }
}
