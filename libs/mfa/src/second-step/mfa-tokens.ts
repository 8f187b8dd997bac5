import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { deriveKey, jwtKey } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { SignInAttempt } from '../domain/mfa.decider';
import { InvalidMfaError } from '../domain/mfa.errors';

/** How long the second step of a sign-in may take. */
export const MFA_TOKEN_SECONDS = 300;
const PURPOSE = 'mfa';

export interface MfaTokenClaims {
  readonly accountId: string;
  /** The first factor the sign-in passed, for the session it starts: `password` or `oidc`. */
  readonly method: string;
  readonly signIn: SignInAttempt;
}

/**
 * The answer to a correct first factor on an account with MFA: a JWT signed with a key derived for
 * this purpose only (it can never pass as an access token, nor an access token as it), naming the
 * account and this one sign-in, valid 5 minutes by the application clock. It is spent by its first
 * success: the sign-in id is then in the account's MFA stream (`mfa.second_step_completed`).
 */
@Injectable()
export class MfaTokens {
  private readonly jwt: JwtService;

  constructor(@Inject(APP_CONFIG) config: ResolvedConfig) {
    this.jwt = new JwtService({
      secret: jwtKey(deriveKey(config.jwtSecret, 'mfa-token/v1').toString('base64')),
      signOptions: { algorithm: 'HS256' },
    });
  }

  issue(accountId: string, method: string, now: Date): string {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return this.jwt.sign({
      sub: accountId,
      sid: randomUUID(),
      mth: method,
      purpose: PURPOSE,
      iat: issuedAt,
      exp: issuedAt + MFA_TOKEN_SECONDS,
    });
  }

  /** The claims of a token this service issued and that has not expired by `now`; else `invalid_mfa`. */
  verify(token: string, now: Date): MfaTokenClaims {
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify(token, { algorithms: ['HS256'], clockTimestamp: Math.floor(now.getTime() / 1000) });
    } catch {
      throw new InvalidMfaError();
    }
    const { sub, sid, mth, purpose, exp } = claims;
    if (purpose !== PURPOSE || typeof sub !== 'string' || typeof sid !== 'string' || typeof mth !== 'string' || typeof exp !== 'number') {
      throw new InvalidMfaError();
    }
    return { accountId: sub, method: mth, signIn: { signInId: sid, expiresAt: new Date(exp * 1000).toISOString() } };
  }
}
