import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { deriveKey } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { MfaFactor } from '../domain/account.decider';
import { MfaChallengeDto } from './sign-in.dto';

const MFA_TOKEN_SECONDS = 300;

/**
 * The answer to a correct password on an account with second factors: a short-lived token, signed
 * with a key derived for this purpose only (it can never pass as an access token). Completing the
 * sign-in with it (POST /v1/auth/mfa) belongs to the MFA work.
 */
@Injectable()
export class MfaChallenges {
  private readonly jwt: JwtService;

  constructor(
    @Inject(APP_CONFIG) config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.jwt = new JwtService({
      secret: deriveKey(config.jwtSecret, 'mfa-token/v1').toString('base64'),
      signOptions: { algorithm: 'HS256' },
    });
  }

  issue(accountId: string, factors: readonly MfaFactor[]): MfaChallengeDto {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const mfaToken = this.jwt.sign({ sub: accountId, purpose: 'mfa', iat: issuedAt, exp: issuedAt + MFA_TOKEN_SECONDS });
    const methods = [...new Set(factors.map((factor) => factor.type)), 'recovery_code' as const];
    return { mfaRequired: true, mfaToken, methods };
  }
}
