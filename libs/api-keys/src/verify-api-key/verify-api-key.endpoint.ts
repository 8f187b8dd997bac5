import { Injectable, OnModuleInit } from '@nestjs/common';
import { IncomingHttpHeaders } from 'node:http';
import { ServiceTokens } from '@app/auth';
import { DomainError } from '@app/ddd';
import { FastLane } from '@app/http';
import { Metrics } from '@app/metrics';
import { KeyVerifier } from './key-verifier';
import { VerifiedKey } from './key-verification-policy';
import { parseVerifyKeyRequest } from './verify-api-key.dto';

export const VERIFY_PATH = '/v1/keys/verify';

const outcomeOf = (error: unknown): string => (error instanceof DomainError ? error.code : 'error');

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
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.fastLane.register('POST', VERIFY_PATH, ({ headers, body }) => this.handle(headers, body));
  }

  /** Counted in `api_key_verifications_total` by outcome: `valid`, or the error code it answers. */
  handle(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, body: unknown): VerifiedKey | Promise<VerifiedKey> {
    let result: VerifiedKey | Promise<VerifiedKey>;
    try {
      this.tokens.authenticate(headers);
      const { key, endpoint } = parseVerifyKeyRequest(body);
      result = this.verifier.verify(key, endpoint);
    } catch (error) {
      this.metrics.recordKeyVerification(outcomeOf(error));
      throw error;
    }
    if (!(result instanceof Promise)) {
      this.metrics.recordKeyVerification('valid');
      return result;
    }
    return result.then(
      (verified) => {
        this.metrics.recordKeyVerification('valid');
        return verified;
      },
      (error: unknown) => {
        this.metrics.recordKeyVerification(outcomeOf(error));
        throw error;
      },
    );
  }
}
