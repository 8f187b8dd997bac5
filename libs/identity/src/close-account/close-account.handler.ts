import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, requireRecentSignIn } from '@app/ddd';
import { PasswordHasher, SecretBox } from '@app/security';
import { AccountStates } from '../account-states';
import { accountDecider, readsAsErased } from '../domain/account.decider';
import { AccountResourceNotFoundError, InvalidCurrentPasswordError } from '../domain/account.errors';
import { accountStream } from '../domain/account.events';
import { CloseAccountCommand, ReopenAccountCommand } from './close-account.command';

/**
 * `DELETE /v1/me`: a sign-in within REAUTH_WINDOW_SECONDS, then the current password unless that
 * sign-in completed a second step or the account has none. One `account.closed` does the rest the
 * instant it is appended: the session epoch moves on (every session ends), key verification refuses
 * the account's keys (it follows the log) and usage is refused; reactions record the sessions' ends
 * and the keys' revocations afterwards.
 */
@CommandHandler(CloseAccountCommand)
export class CloseAccountHandler implements ICommandHandler<CloseAccountCommand> {
  constructor(
    private readonly accounts: AccountStates,
    private readonly hasher: PasswordHasher,
    private readonly secretBox: SecretBox,
    private readonly runner: CommandRunner,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ account, password, context }: CloseAccountCommand): Promise<void> {
    const now = this.clock.now();
    requireRecentSignIn({ authenticatedAt: account.authenticatedAt, windowSeconds: this.config.reauthWindowSeconds }, now);
    const state = await this.accounts.load(account.accountId);
    if (!state.exists || readsAsErased(state, now)) throw new AccountResourceNotFoundError('account');
    // A password given is checked even when a second step makes it optional.
    const passwordNeeded = state.passwordHashSealed !== null && (account.secondFactor === null || password !== undefined);
    if (passwordNeeded) {
      const matches = password !== undefined && (await this.hasher.verify(password, this.secretBox.open(state.passwordHashSealed!)));
      if (!matches) throw new InvalidCurrentPasswordError();
    }
    await this.runner.run(
      accountStream(account.accountId),
      accountDecider,
      { kind: 'CloseAccount', now, graceSeconds: this.config.erasureGraceSeconds },
      context,
      { accountId: account.accountId, occurredAt: now },
    );
  }
}

/** Nothing for an account that is not closed; `not_found` once it reads as erased. */
@CommandHandler(ReopenAccountCommand)
export class ReopenAccountHandler implements ICommandHandler<ReopenAccountCommand> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ accountId, method, context }: ReopenAccountCommand): Promise<void> {
    const now = this.clock.now();
    await this.runner.run(accountStream(accountId), accountDecider, { kind: 'ReopenAccount', method, now }, context, {
      accountId,
      occurredAt: now,
    });
  }
}
