import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ServiceTokenGuard } from '@app/auth';
import { KeyVerifier } from './key-verifier';
import { VerifiedKey } from './key-verification-policy';
import { parseVerifyKeyRequest, VerifiedKeyDto, VerifyKeyDto } from './verify-api-key.dto';

/** The platform backend calls this on every request it serves: the hot path of the whole platform. */
@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(ServiceTokenGuard)
@Controller('v1/keys')
export class VerifyApiKeyController {
  constructor(private readonly verifier: KeyVerifier) {}

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
  verify(@Body() body: unknown): VerifiedKey | Promise<VerifiedKey> {
    const { key, endpoint } = parseVerifyKeyRequest(body);
    return this.verifier.verify(key, endpoint);
  }
}
