import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLOCK, MAILER } from '@app/core';
import { assertNever, Clock } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { html, JobHandler, Mailer, mailTemplate } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { passwordResetMail } from '../domain/account.decider';
import { AccountEventType } from '../domain/account.events';
import { AccountStates } from '../account-states';
import { IDENTITY_QUEUE } from '../identity.queue';
import { PasswordResetLinks } from './password-reset-links';

export const SEND_PASSWORD_RESET_EMAIL_JOB = 'send-password-reset-email';

/** Ids only: the worker derives the link from them (the same on every retry); the payload stays in the queue. */
export interface PasswordResetEmailJob {
  readonly accountId: string;
  readonly requestId: string;
  readonly requestedEventId: string;
}

export const passwordResetEmailReaction: Reaction = {
  name: 'accounts.password-reset-email',
  eventTypePrefixes: [AccountEventType.PasswordResetRequested],
  react(event: RecordedEvent): JobRequest[] {
    if (event.type !== AccountEventType.PasswordResetRequested) return [];
    const accountId = event.metadata.accountId;
    if (typeof accountId !== 'string') return [];
    const payload: PasswordResetEmailJob = { accountId, requestId: String(event.data.requestId), requestedEventId: event.id };
    return [{ queue: IDENTITY_QUEUE, name: SEND_PASSWORD_RESET_EMAIL_JOB, payload }];
  },
};

function duration(seconds: number): string {
  if (seconds % 60 !== 0) return `${seconds} seconds`;
  const minutes = seconds / 60;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** Provider names are configuration keys (`google`); the mail shows them as a button would (`Google`). */
export function providerDisplayName(provider: string): string {
  return provider.charAt(0).toUpperCase() + provider.slice(1);
}

export const passwordResetLinkTemplate = mailTemplate((params: { link: string; validSeconds: number }) => ({
  subject: 'Reset your MiniMax password',
  text: [
    'Someone, hopefully you, asked to reset the password of your MiniMax account.',
    '',
    'Choose a new password by opening this link:',
    params.link,
    '',
    `The link works once, for ${duration(params.validSeconds)}. A new password signs you out on every device.`,
    'If you did not ask for this, ignore this message: your password stays as it is.',
  ].join('\n'),
  html: html`<p>Someone, hopefully you, asked to reset the password of your MiniMax account.</p>
<p><a href="${params.link}">Choose a new password</a></p>
<p>The link works once, for ${duration(params.validSeconds)}. A new password signs you out on every device.</p>
<p>If you did not ask for this, ignore this message: your password stays as it is.</p>`,
}));

export const passwordResetUseProviderTemplate = mailTemplate((params: { providers: readonly string[] }) => {
  const names = params.providers.map(providerDisplayName).join(' or ');
  return {
    subject: 'Signing in to your MiniMax account',
    text: [
      'Someone, hopefully you, asked to reset the password of your MiniMax account.',
      '',
      `Your account has no password: you sign in with ${names}.`,
      `Use the ${names} button on the MiniMax sign-in page.`,
      '',
      'If you did not ask for this, ignore this message.',
    ].join('\n'),
    html: html`<p>Someone, hopefully you, asked to reset the password of your MiniMax account.</p>
<p>Your account has no password: you sign in with ${names}. Use the <strong>${names}</strong> button on the MiniMax sign-in page.</p>
<p>If you did not ask for this, ignore this message.</p>`,
  };
});

/**
 * The mail job of a reset request. What to send is decided when it runs (`passwordResetMail`): a link,
 * the provider's name for an account without a password, or nothing (suspended; or a request that is
 * superseded, used or expired by now, whose link would not work).
 */
@Injectable()
export class PasswordResetEmails {
  constructor(
    private readonly links: PasswordResetLinks,
    private readonly accounts: AccountStates,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(MAILER) private readonly mailer?: Mailer,
  ) {}

  handler(): JobHandler<PasswordResetEmailJob> {
    return async ({ payload }) => {
      if (!this.mailer) throw new Error('no mailer is configured');
      const decision = passwordResetMail(await this.accounts.load(payload.accountId), payload.requestId, this.clock.now());
      const idempotencyKey = `password-reset:${payload.requestedEventId}`;
      switch (decision.kind) {
        case 'none':
          return;
        case 'link': {
          const link = this.links.link(payload.accountId, payload.requestId, decision.email);
          await this.mailer.send({
            to: decision.email,
            ...passwordResetLinkTemplate({ link, validSeconds: decision.validSeconds }),
            idempotencyKey,
          });
          return;
        }
        case 'use_provider':
          await this.mailer.send({
            to: decision.email,
            ...passwordResetUseProviderTemplate({ providers: decision.providers }),
            idempotencyKey,
          });
          return;
        default:
          assertNever(decision);
      }
    };
  }
}
