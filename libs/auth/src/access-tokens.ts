import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { jwtKey } from './derived-keys';

export const ACCESS_TOKEN_ALGORITHM = 'HS256';

export interface IssuedAccessToken {
  readonly accessToken: string;
  /** Seconds. */
  readonly expiresIn: number;
}

/**
 * Access tokens: a JWT signed with JWT_SECRET, claims `sub` (account), `sid` (session), `iat`, `exp`,
 * all from the application clock. Verification (`AccessTokenStrategy`) checks `exp` against the same
 * clock, then asks the session authority whether the session is still live.
 */
@Injectable()
export class AccessTokens {
  private readonly jwt: JwtService;

  constructor(
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.jwt = new JwtService({ secret: jwtKey(config.jwtSecret), signOptions: { algorithm: ACCESS_TOKEN_ALGORITHM } });
  }

  issue(accountId: string, sessionId: string): IssuedAccessToken {
    const issuedAt = Math.floor(this.clock.now().getTime() / 1000);
    const expiresIn = this.config.accessTokenSeconds;
    const accessToken = this.jwt.sign({ sub: accountId, sid: sessionId, iat: issuedAt, exp: issuedAt + expiresIn });
    return { accessToken, expiresIn };
  }
}
