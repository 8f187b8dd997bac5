import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock } from '@app/ddd';
import { ACCESS_TOKEN_ALGORITHM } from './access-tokens';
import { jwtKey } from './derived-keys';
import { AuthenticatedAccount } from './authenticated-account';
import { SessionAuthority } from './session-authority';

export const ACCESS_TOKEN_STRATEGY = 'account-access-token';

interface AccessTokenPayload {
  sub?: unknown;
  sid?: unknown;
  iat?: unknown;
  exp?: unknown;
}

/**
 * passport-jwt checks the signature (HS256 only); expiry is checked here against the application
 * clock rather than the wall clock, so tests with a manual clock see the same rules as production.
 */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, ACCESS_TOKEN_STRATEGY) {
  constructor(
    @Inject(APP_CONFIG) config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: SessionAuthority,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands it to jsonwebtoken, which takes a KeyObject (its types say only string | Buffer).
      secretOrKey: jwtKey(config.jwtSecret) as unknown as Buffer,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      ignoreExpiration: true,
    });
  }

  async validate(payload: AccessTokenPayload): Promise<AuthenticatedAccount | false> {
    const { sub, sid, iat, exp } = payload;
    if (typeof sub !== 'string' || typeof sid !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return false;
    if (exp * 1000 <= this.clock.now().getTime()) return false;
    return (await this.sessions.authenticate({ accountId: sub, sessionId: sid, issuedAt: iat })) ?? false;
  }
}
