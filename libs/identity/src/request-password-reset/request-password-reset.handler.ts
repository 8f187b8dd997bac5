import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ResolvedConfig } from '@app/config';
import { APP_CONFIG, CLOCK } from '@app/core';
import { Clock, CommandRunner, RequestContext } from '@app/ddd';
import { accountDecider } from '../domain/account.decider';
import { accountStream } from '../domain/account.events';
import { normaliseEmail } from '../domain/email';
import { unknownEmailPasswordResetDecider, unknownEmailPasswordResetStream } from '../domain/unknown-email-password-reset.decider';
import { AccountStates } from '../account-states';
import { RequestPasswordResetCommand } from './request-password-reset.command';

/**
 * Records the request and answers; who gets which mail is decided later by the mail job. Known and
 * unknown emails take the same path: the email's reservation is read (one row or none), then one
 * stream is read and one event appended: the account's stream, or the email's own stream when no
 * account has it. No mail, no queue and no hashing on the request path.
 */
@CommandHandler(RequestPasswordResetCommand)
export class RequestPasswordResetHandler implements ICommandHandler<RequestPasswordResetCommand> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    @Inject(APP_CONFIG) private readonly config: ResolvedConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ email, context }: RequestPasswordResetCommand): Promise<void> {
    const now = this.clock.now();
    const requestId = randomUUID();
    const normalisedEmail = normaliseEmail(email);
    const ownerId = await this.accounts.reservedEmailOwner(normalisedEmail);
    if (ownerId !== null) {
      const outcome = await this.runner.run(
        accountStream(ownerId),
        accountDecider,
        { kind: 'RequestPasswordReset', requestId, email: normalisedEmail, now, ttlSeconds: this.config.passwordResetTtlSeconds },
        context,
        { accountId: ownerId, occurredAt: now },
      );
      if (outcome.events.length > 0) return;
      // A reservation whose account does not exist (yet) or has another email now: no account has this email.
    }
    await this.recordForUnknownEmail(normalisedEmail, requestId, context, now);
  }

  private async recordForUnknownEmail(normalisedEmail: string, requestId: string, context: RequestContext, now: Date): Promise<void> {
    await this.runner.run(
      unknownEmailPasswordResetStream(normalisedEmail),
      unknownEmailPasswordResetDecider,
      { kind: 'RecordUnknownEmailPasswordReset', requestId },
      context,
      { occurredAt: now },
    );
  }
}
