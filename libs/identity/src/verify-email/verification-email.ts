import { Inject, Injectable, Optional } from '@nestjs/common';
import { MAILER } from '@app/core';
import { RecordedEvent } from '@app/event-store';
import { html, JobHandler, Mailer, mailTemplate } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { AccountEventType } from '../domain/account.events';
import { AccountStates } from '../account-states';
import { IDENTITY_QUEUE } from '../identity.queue';
import { VerificationLinks } from './verification-links';

export const SEND_VERIFICATION_EMAIL_JOB = 'send-verification-email';

/** No token in the job: the worker derives the link from these ids, the same on every retry. */
export interface VerificationEmailJob {
  readonly accountId: string;
  readonly email: string;
  readonly registeredEventId: string;
}

export const verificationEmailReaction: Reaction = {
  name: 'accounts.verification-email',
  eventTypePrefixes: [AccountEventType.Registered],
  react(event: RecordedEvent): JobRequest[] {
    if (event.type !== AccountEventType.Registered) return [];
    const payload: VerificationEmailJob = {
      accountId: String(event.data.accountId),
      email: String(event.data.email),
      registeredEventId: event.id,
    };
    return [{ queue: IDENTITY_QUEUE, name: SEND_VERIFICATION_EMAIL_JOB, payload }];
  },
};

export const verificationEmailTemplate = mailTemplate((params: { link: string }) => ({
  subject: 'Verify your email address',
  text: [
    'Welcome to MiniMax.',
    '',
    'Confirm that this is your email address by opening this link:',
    params.link,
    '',
    'If you did not create an account, you can ignore this message.',
  ].join('\n'),
  html: html`<p>Welcome to MiniMax.</p>
<p>Confirm that this is your email address: <a href="${params.link}">verify my email</a>.</p>
<p>If you did not create an account, you can ignore this message.</p>`,
}));

@Injectable()
export class VerificationEmails {
  constructor(
    private readonly links: VerificationLinks,
    private readonly accounts: AccountStates,
    @Optional() @Inject(MAILER) private readonly mailer?: Mailer,
  ) {}

  handler(): JobHandler<VerificationEmailJob> {
    return async ({ payload }) => {
      if (!this.mailer) throw new Error('no mailer is configured');
      // Already verified (an account created by social sign-in with a provider-verified email): no mail.
      const account = await this.accounts.load(payload.accountId);
      if (account.exists && account.emailVerified && account.email === payload.email) return;
      const mail = verificationEmailTemplate({ link: this.links.link(payload.accountId, payload.email) });
      await this.mailer.send({ to: payload.email, ...mail, idempotencyKey: `verify-email:${payload.registeredEventId}` });
    };
  }
}
