import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { AccessTokens } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { accountDecider } from '../domain/account.decider';
import { accountStream, SignInMethod } from '../domain/account.events';
import { SessionTokens } from './session-tokens';

export class SessionTokensDto {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer`' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque; rotates on every use' })
  refreshToken: string;

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expiresIn: number;
}

/** Starts a session after a successful sign-in (password now; MFA and OIDC later) and issues its tokens. */
@Injectable()
export class SessionStarter {
  constructor(
    private readonly runner: CommandRunner,
    private readonly tokens: SessionTokens,
    private readonly accessTokens: AccessTokens,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async start(accountId: string, method: SignInMethod, context: RequestContext): Promise<SessionTokensDto> {
    const now = this.clock.now();
    const sessionId = randomUUID();
    await this.runner.run(
      accountStream(accountId),
      accountDecider,
      { kind: 'StartSession', sessionId, method, now, maxSeconds: this.config.sessionMaxSeconds },
      { ...context, actor: { kind: 'account', id: accountId } },
      { accountId, occurredAt: now },
    );
    const refreshToken = await this.tokens.open(sessionId, accountId, now);
    return { ...this.accessTokens.issue(accountId, sessionId), refreshToken };
  }
}
