import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK } from '@app/core';
import { Clock, CommandRunner } from '@app/ddd';
import { PasswordHasher, SecretBox } from '@app/security';
import { AccountResourceNotFoundError, InvalidCurrentPasswordError } from '../domain/account.errors';
import { PasswordRules } from '../password-policy/password-policy.service';
import { AccountStates } from '../account-states';

import { accountDecider } from '../domain/account.decider';
import { accountStream } from '../domain/account.events';
import { ChangePasswordCommand } from './change-password.command';

/**
 * A changed password ends every session of the account, this one included (the account's session
 * epoch moves on with the event): sign in again everywhere.
 */
@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand> {
  constructor(
    private readonly accounts: AccountStates,
    private readonly rules: PasswordRules,
    private readonly hasher: PasswordHasher,
    private readonly secretBox: SecretBox,
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ account, currentPassword, newPassword, context }: ChangePasswordCommand): Promise<void> {
    const state = await this.accounts.load(account.accountId);
    if (!state.exists) throw new AccountResourceNotFoundError('account');
    const currentPasswordMatches = state.passwordHashSealed
      ? await this.hasher.verify(currentPassword, this.secretBox.open(state.passwordHashSealed))
      : await this.hasher.verifyAgainstDummy(currentPassword);
    if (!currentPasswordMatches) throw new InvalidCurrentPasswordError();
    this.rules.assertAcceptable(newPassword, state.email);
    const passwordHashSealed = this.secretBox.seal(await this.hasher.hash(newPassword));
    const now = this.clock.now();
    await this.runner.run(accountStream(account.accountId), accountDecider, { kind: 'ChangePassword', passwordHashSealed }, context, {
      accountId: account.accountId,
      occurredAt: now,
    });
  }
}
