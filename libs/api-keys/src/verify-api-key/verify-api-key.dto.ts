import { ApiProperty } from '@nestjs/swagger';
import { ErrorDetail, InvalidRequestError } from '@app/http';
import { ENDPOINT_MAX_LENGTH, ENDPOINT_PATTERN } from '../domain/key-verification';

/** For the OpenAPI document only: the body is checked by `parseVerifyKeyRequest`, not class-validator. */
export class VerifyKeyDto {
  @ApiProperty({ description: 'The API key the platform received', example: 'mmx_...' })
  key: string;

  @ApiProperty({ description: 'The endpoint called, named like the scopes: a scope covers its sub-endpoints', example: 'chat.completions' })
  endpoint: string;
}

export class VerifiedKeyDto {
  @ApiProperty({ enum: [true] }) valid: true;
  @ApiProperty() accountId: string;
  @ApiProperty() keyId: string;
  @ApiProperty({ type: [String] }) scopes: string[];
}

const KEY_MAX_LENGTH = 512;

/**
 * The verify route's input check, by hand: it runs on every platform request, and class-validator
 * (instantiating a DTO and walking its metadata) costs more than the verification itself. Same
 * contract as everywhere else: unknown fields, missing fields and wrong types are 400 with details.
 * A string that is not a well-formed key is not a 400: it is the same 401 `invalid_key` as an unknown one.
 */
export function parseVerifyKeyRequest(body: unknown): { key: string; endpoint: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError([{ field: 'body', message: 'the body must be a JSON object {key, endpoint}' }]);
  }
  const { key, endpoint } = body as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  for (const field in body) {
    if (field !== 'key' && field !== 'endpoint') details.push({ field, message: `property ${field} should not exist` });
  }
  if (typeof key !== 'string') details.push({ field: 'key', message: 'key must be a string' });
  else if (key.length > KEY_MAX_LENGTH) details.push({ field: 'key', message: `key must be at most ${KEY_MAX_LENGTH} characters` });
  if (typeof endpoint !== 'string') details.push({ field: 'endpoint', message: 'endpoint must be a string' });
  else if (endpoint.length > ENDPOINT_MAX_LENGTH || !ENDPOINT_PATTERN.test(endpoint)) {
    details.push({ field: 'endpoint', message: 'endpoint must be a dotted lower-case name such as chat.completions' });
  }
  if (details.length > 0) throw new InvalidRequestError(details);
  return { key: key as string, endpoint: endpoint as string };
}
