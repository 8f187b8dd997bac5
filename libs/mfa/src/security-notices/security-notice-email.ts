import { Inject, Injectable, Optional } from '@nestjs/common';
import { MAILER } from '@app/core';
import { assertNever } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { html, JobHandler, Mailer, mailTemplate } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { FactorType, MFA_EVENT_PREFIX, MfaEventType } from '../domain/mfa.events';
import { MfaAccountDirectory } from '../mfa-accounts';

export const MFA_QUEUE = 'mfa';
export const SEND_MFA_NOTICE_JOB = 'send-mfa-notice';

export type MfaNotice =
  'factor_added' | 'factor_removed' | 'recovery_codes_regenerated' | 'recovery_code_used' | 'possible_clone' | 'mfa_reset';

/** Ids and kinds only: no nickname, no code, no secret. */
export interface MfaNoticeJob {
  readonly accountId: string;
  readonly eventId: string;
  readonly notice: MfaNotice;
  readonly factorType: FactorType | null;
  readonly occurredAt: string;
}

function noticeOf(event: RecordedEvent): { notice: MfaNotice; factorType: FactorType | null } | null {
  switch (event.type) {
    case MfaEventType.TotpConfirmed:
      return { notice: 'factor_added', factorType: 'totp' };
    case MfaEventType.WebauthnRegistered:
      return { notice: 'factor_added', factorType: 'webauthn' };
    case MfaEventType.FactorRemoved:
      return { notice: 'factor_removed', factorType: event.data.type === 'webauthn' ? 'webauthn' : 'totp' };
    case MfaEventType.RecoveryCodesGenerated:
      return event.data.reason === 'regenerated' ? { notice: 'recovery_codes_regenerated', factorType: null } : null;
    case MfaEventType.RecoveryCodeUsed:
      return { notice: 'recovery_code_used', factorType: null };
    case MfaEventType.WebauthnCloneSuspected:
      return { notice: 'possible_clone', factorType: 'webauthn' };
    case MfaEventType.Reset:
      return { notice: 'mfa_reset', factorType: null };
    default:
      return null;
  }
}

/** Every change of an account's second factors, and every sign of misuse, mails the owner; from the log, never from the request. */
export const mfaNoticeReaction: Reaction = {
  name: 'mfa.security-notices',
  eventTypePrefixes: [MFA_EVENT_PREFIX],
  react(event: RecordedEvent): JobRequest[] {
    const accountId = event.metadata.accountId;
    const notice = noticeOf(event);
    if (typeof accountId !== 'string' || notice === null) return [];
    const payload: MfaNoticeJob = { accountId, eventId: event.id, ...notice, occurredAt: event.metadata.occurredAt };
    return [{ queue: MFA_QUEUE, name: SEND_MFA_NOTICE_JOB, payload }];
  },
};

const FACTOR_NAMES: Record<FactorType, string> = { totp: 'an authenticator app', webauthn: 'a security key' };

export const mfaNoticeTemplate = mailTemplate((params: { notice: MfaNotice; factorType: FactorType | null; occurredAt: string }) => {
  const factor = params.factorType === null ? 'a second factor' : FACTOR_NAMES[params.factorType];
  const when = `${params.occurredAt.replace('T', ' ').slice(0, 16)} UTC`;
  const ifNotYou = 'If this was not you, sign in, change your password and review your second factors, or contact support.';
  let subject: string;
  let line: string;
  switch (params.notice) {
    case 'factor_added':
      subject = 'A second factor was added to your account';
      line = `A second factor (${factor}) was added to your MiniMax account at ${when}.`;
      break;
    case 'factor_removed':
      subject = 'A second factor was removed from your account';
      line = `A second factor (${factor}) was removed from your MiniMax account at ${when}.`;
      break;
    case 'recovery_codes_regenerated':
      subject = 'New recovery codes were generated for your account';
      line = `New recovery codes were generated for your MiniMax account at ${when}; the previous codes no longer work.`;
      break;
    case 'recovery_code_used':
      subject = 'A recovery code was used to sign in to your account';
      line = `A recovery code was used to sign in to your MiniMax account at ${when}. Each code works once.`;
      break;
    case 'possible_clone':
      subject = 'A security key of your account may have been copied';
      line = `At ${when} a sign-in with a security key of your MiniMax account was refused: its signature counter went backwards, which happens when a key has been copied. The key is still registered; consider removing it.`;
      break;
    case 'mfa_reset':
      subject = 'Two-step verification was turned off for your account';
      line = `After an approved account recovery request, support turned off two-step verification for your MiniMax account at ${when}: every second factor and recovery code was removed.`;
      break;
    default:
      return assertNever(params.notice);
  }
  return { subject, text: [line, '', ifNotYou].join('\n'), html: html`<p>${line}</p><p>${ifNotYou}</p>` };
});

@Injectable()
export class MfaNoticeEmails {
  constructor(
    private readonly accounts: MfaAccountDirectory,
    @Optional() @Inject(MAILER) private readonly mailer?: Mailer,
  ) {}

  handler(): JobHandler<MfaNoticeJob> {
    return async ({ payload }) => {
      if (!this.mailer) throw new Error('no mailer is configured');
      const email = await this.accounts.emailOf(payload.accountId);
      if (email === null) return;
      await this.mailer.send({ to: email, ...mfaNoticeTemplate(payload), idempotencyKey: `mfa-notice:${payload.eventId}` });
    };
  }
}
