import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, CLOCK, EVENT_STORE } from '@app/core';
import { ResolvedConfig } from '@app/config';
import { Clock, CommandRunner } from '@app/ddd';
import { EventStore } from '@app/event-store';
import { PasswordHasher, SecretBox } from '@app/security';
import { AccountStates } from '../account-states';
import { accountDecider } from '../domain/account.decider';
import { accountStream } from '../domain/account.events';
import { normaliseEmail } from '../domain/email';
import { PasswordRules } from '../password-policy/password-policy.service';
import { reserveAccountEmail } from './email-reservation';
import { RegisterAccountCommand } from './register-account.command';

@CommandHandler(RegisterAccountCommand)
export class RegisterAccountHandler implements ICommandHandler<RegisterAccountCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    private readonly hasher: PasswordHasher,
    private readonly secretBox: SecretBox,
    private readonly rules: PasswordRules,
  ) {}

  async execute({ email, password, context }: RegisterAccountCommand): Promise<{ accountId: string }> {
    const accountId = randomUUID();
    const normalisedEmail = normaliseEmail(email);
    // Before anything is written: a weak password leaves no event and no reservation behind.
    this.rules.assertAcceptable(password, normalisedEmail);
    const now = this.clock.now();
    const passwordHashSealed = this.secretBox.seal(await this.hasher.hash(password));
    await reserveAccountEmail(this.store, this.accounts, { email: normalisedEmail, accountId, context, now });
    await this.runner.run(
      accountStream(accountId),
      accountDecider,
      { kind: 'RegisterAccount', accountId, email: normalisedEmail, passwordHashSealed, now },
      { ...context, actor: context.actor.id === 'anonymous' ? { kind: 'account', id: accountId } : context.actor },
      { accountId, occurredAt: now },
    );
    return { accountId };
  }
}
