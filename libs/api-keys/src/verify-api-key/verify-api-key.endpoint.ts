import { Injectable, OnModuleInit } from '@nestjs/common';
import { IncomingHttpHeaders } from 'node:http';
import { ServiceTokens } from '@app/auth';
import { FastLane } from '@app/http';
import { KeyVerifier } from './key-verifier';
import { VerifiedKey } from './key-verification-policy';
import { parseVerifyKeyRequest } from './verify-api-key.dto';

export const VERIFY_PATH = '/v1/keys/verify';

/**
 * `POST /v1/keys/verify` as one function of (headers, body): the service token, the input check, the
 * verification. The fast lane serves it from node:http on every platform request; the NestJS
 * controller serves the same function for what the fast lane passes on (and documents the route).
 */
@Injectable()
export class VerifyApiKeyEndpoint implements OnModuleInit {
  constructor(
    private readonly tokens: ServiceTokens,
    private readonly verifier: KeyVerifier,
    private readonly fastLane: FastLane,
  ) {}

  onModuleInit(): void {
    this.fastLane.register('POST', VERIFY_PATH, ({ headers, body }) => this.handle(headers, body));
  }

  handle(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, body: unknown): VerifiedKey | Promise<VerifiedKey> {
    this.tokens.authenticate(headers);
    const { key, endpoint } = parseVerifyKeyRequest(body);
    return this.verifier.verify(key, endpoint);
  }
}
