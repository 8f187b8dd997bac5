import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { AccessTokens } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { AccountStates, ExistingAccount, readsAsErased, ReopenAccountCommand } from '@app/identity';
import { sessionDecider } from '../domain/session.decider';
import { InvalidCredentialsError, SignInSuspendedError } from '../domain/session.errors';
import { SignInMethod, sessionStream } from '../domain/session.events';
import { SessionTokens } from './session-tokens';

export class SessionTokensDto {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer`' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque; rotates on every use' })
  refreshToken: string;

  @ApiProperty({ description: 'Seconds until the access token expires' })
  expiresIn: number;
}

export interface StartOptions {
  /** The second factor the sign-in completed with (set by the MFA context). */
  readonly secondFactor?: string;
  /** The account as the caller read it in this request (a password sign-in has): not read again. */
  readonly account?: ExistingAccount;
}

/**
 * Starts a session once sign-in is complete (password, provider, or the second step) and issues its
 * tokens. The session's stream records the account's session epoch as read here: an account event
 * appended after this read (password change, suspension) ends the session even if it lands first.
 * Starting one for a closed account within its grace period reopens the account first.
 */
@Injectable()
export class SessionStarter {
  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    private readonly tokens: SessionTokens,
    private readonly accessTokens: AccessTokens,
    private readonly commandBus: CommandBus,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async start(accountId: string, method: SignInMethod, context: RequestContext, options: StartOptions = {}): Promise<SessionTokensDto> {
    const now = this.clock.now();
    const sessionId = randomUUID();
    let account = options.account?.accountId === accountId ? options.account : await this.accounts.load(accountId);
    if (!account.exists) throw new Error(`account ${accountId} does not exist`);
    // Past its grace period a closed account reads as erased: like an unknown one.
    if (readsAsErased(account, now)) throw new InvalidCredentialsError();
    if (account.closure !== null) {
      // A completed sign-in within the grace period reopens it (its keys stay revoked).
      await this.commandBus.execute(new ReopenAccountCommand(accountId, method, { ...context, actor: { kind: 'account', id: accountId } }));
      account = await this.accounts.load(accountId);
      if (!account.exists) throw new Error(`account ${accountId} does not exist`);
    }
    await this.runner
      .run(
        sessionStream(sessionId),
        sessionDecider,
        {
          kind: 'StartSession',
          sessionId,
          accountId,
          method,
          secondFactor: options.secondFactor,
          account: { suspended: account.status === 'suspended', sessionEpoch: account.sessionEpoch },
          ip: context.ip ?? null,
          userAgent: context.userAgent ?? null,
          now,
          maxSeconds: this.config.sessionMaxSeconds,
        },
        { ...context, actor: { kind: 'account', id: accountId } },
        { accountId, occurredAt: now, freshStream: true },
      )
      .catch((error: unknown) => {
        // Suspended between the sign-in's check and here: the decider refused the session.
        throw error instanceof SignInSuspendedError ? new SignInSuspendedError(this.config.supportEmail) : error;
      });
    const refreshToken = await this.tokens.open(sessionId, accountId, account.sessionEpoch, now);
    return { ...this.accessTokens.issue(accountId, sessionId), refreshToken };
  }
}
