import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { PasswordHasher, SecretBox } from '@app/security';
import { accountDecider, NewPassword, openPasswordReset } from '../domain/account.decider';
import { accountStream } from '../domain/account.events';
import { AccountSuspendedError, InvalidTokenError } from '../domain/account.errors';
import { checkPasswordPolicy } from '../domain/password-policy';
import { PasswordRules } from '../password-policy/password-policy.service';
import { PasswordResetLinks } from '../request-password-reset/password-reset-links';
import { AccountStates } from '../account-states';
import { IdentityPorts } from '../ports/optional-ports';
import { ConfirmPasswordResetCommand } from './confirm-password-reset.command';

/**
 * Checks the link (MAC, then the account's rules: latest request, unused, not expired), then the
 * password policy, then hashes; the decider checks the link again against the state it appends to, so
 * two uses of one link cannot both win. One append sets the password, which ends every session (the
 * account's session epoch moves on); the email's sign-in lockout is cleared after it, through sessions' port.
 */
@CommandHandler(ConfirmPasswordResetCommand)
export class ConfirmPasswordResetHandler implements ICommandHandler<ConfirmPasswordResetCommand> {
  constructor(
    private readonly links: PasswordResetLinks,
    private readonly accounts: AccountStates,
    private readonly rules: PasswordRules,
    private readonly hasher: PasswordHasher,
    private readonly secretBox: SecretBox,
    private readonly runner: CommandRunner,
    private readonly ports: IdentityPorts,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ token, newPassword, context }: ConfirmPasswordResetCommand): Promise<void> {
    const ids = this.links.idsOf(token);
    const account = ids ? await this.accounts.load(ids.accountId) : undefined;
    if (!ids || !account?.exists || !this.links.matches(token, ids, account.email)) throw new InvalidTokenError();
    const { accountId, requestId } = ids;
    // The token holder proved they read the account's mailbox: they act as the account.
    const asAccount: RequestContext = {
      ...context,
      actor: context.actor.id === 'anonymous' ? { kind: 'account', id: accountId } : context.actor,
    };
    try {
      // Before any bcrypt work: a dead link costs no hashing.
      openPasswordReset(account, requestId, this.clock.now());
      const violations = checkPasswordPolicy(newPassword, { email: account.email }, this.rules.policy);
      const verdict: NewPassword =
        violations.length > 0
          ? { accepted: false, violations }
          : { accepted: true, passwordHashSealed: this.secretBox.seal(await this.hasher.hash(newPassword)) };
      const now = this.clock.now();
      await this.runner.run(
        accountStream(accountId),
        accountDecider,
        { kind: 'CompletePasswordReset', requestId, newPassword: verdict, now },
        asAccount,
        { accountId, occurredAt: now },
      );
    } catch (error) {
      if (error instanceof AccountSuspendedError) throw new AccountSuspendedError(this.config.supportEmail);
      throw error;
    }
    await this.ports.clearSignInLock(account.email, asAccount);
  }
}
