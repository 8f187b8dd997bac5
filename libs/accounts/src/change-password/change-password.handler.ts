import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PasswordHasher, SecretBox } from '@app/security';
import { AccountResourceNotFoundError, InvalidCurrentPasswordError } from '../domain/account.errors';
import { PasswordRules } from '../password-policy/password-policy.service';
import { AccountStates } from '../sessions/account-states';
import { SessionEnder } from '../sessions/session-ender';
import { ChangePasswordCommand } from './change-password.command';

/** A changed password ends every session of the account, this one included: sign in again everywhere. */
@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand> {
  constructor(
    private readonly accounts: AccountStates,
    private readonly rules: PasswordRules,
    private readonly hasher: PasswordHasher,
    private readonly secretBox: SecretBox,
    private readonly ender: SessionEnder,
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
    await this.ender.run(
      account.accountId,
      (now) => ({ kind: 'ChangePassword', passwordHashSealed, currentPasswordMatches, now }),
      context,
    );
  }
}
