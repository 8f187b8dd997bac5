import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { APP_CONFIG, MAILER } from '@app/core';
import { CommandRunner, systemContext } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { html, JobHandler, Mailer, mailTemplate } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { RecoveryCase, recoveryCaseDecider } from '../domain/recovery-case.decider';
import { RECOVERY_EVENT_PREFIX, recoveryCaseStream, RecoveryEventType } from '../domain/recovery-case.events';
import { RecoveryEmailCodes } from '../email-code/email-codes';
import { RECOVERY_ACTIONS, RECOVERY_EVIDENCE, RecoveryActions, RecoveryEvidenceSources } from '../evidence/recovery-evidence';
import { EMAIL_CODE_TTL_SECONDS } from '../domain/recovery-case.decider';

export const RECOVERY_QUEUE = 'recovery';
export const SEND_RECOVERY_STEPS_JOB = 'send-recovery-steps';
export const SEND_RECOVERY_CODE_JOB = 'send-recovery-code';
export const CARRY_OUT_RECOVERY_JOB = 'carry-out-recovery';
export const SEND_RECOVERY_DENIAL_JOB = 'send-recovery-denial';

/** Ids only: the worker reads the case (and derives the code) itself, the same on every retry. */
export interface RecoveryJob {
  readonly caseId: string;
  readonly eventId: string;
  readonly correlationId: string;
  readonly codeId?: string;
}

const jobOf: Partial<Record<string, string>> = {
  [RecoveryEventType.CaseOpened]: SEND_RECOVERY_STEPS_JOB,
  [RecoveryEventType.EmailCodeSent]: SEND_RECOVERY_CODE_JOB,
  [RecoveryEventType.CaseApproved]: CARRY_OUT_RECOVERY_JOB,
  [RecoveryEventType.CaseDenied]: SEND_RECOVERY_DENIAL_JOB,
};

export const recoveryMailReaction: Reaction = {
  name: 'recovery.mail',
  eventTypePrefixes: [RECOVERY_EVENT_PREFIX],
  react(event: RecordedEvent): JobRequest[] {
    const name = jobOf[event.type];
    if (!name) return [];
    const payload: RecoveryJob = {
      caseId: event.stream.slice(recoveryCaseStream('').length),
      eventId: event.id,
      correlationId: event.metadata.correlationId,
      ...(event.type === RecoveryEventType.EmailCodeSent ? { codeId: String(event.data.codeId) } : {}),
    };
    return [{ queue: RECOVERY_QUEUE, name, payload }];
  },
};

const stepsTemplate = mailTemplate((params: { supportEmail: string }) => ({
  subject: 'Re: Account Recovery Request',
  text: [
    'We received your account recovery request. To verify that the account is yours, support will:',
    '',
    "1. send a one-time code to the account's own email address; read it back to us when we ask;",
    '2. ask you to confirm recent account activity (for example the name of an API key, or a service you used);',
    '3. ask for the last four digits of the payment method on file, or the date the account was created.',
    '',
    'Recovery typically takes one to two business days. Requests that cannot be verified with sufficient',
    `evidence may be denied. Reply to ${params.supportEmail} with any question.`,
  ].join('\n'),
  html: html`<p>We received your account recovery request. To verify that the account is yours, support will:</p>
<ol><li>send a one-time code to the account's own email address; read it back to us when we ask;</li>
<li>ask you to confirm recent account activity (for example the name of an API key, or a service you used);</li>
<li>ask for the last four digits of the payment method on file, or the date the account was created.</li></ol>
<p>Recovery typically takes one to two business days. Requests that cannot be verified with sufficient evidence may be denied.
Reply to ${params.supportEmail} with any question.</p>`,
}));

const codeTemplate = mailTemplate((params: { code: string; minutes: number }) => ({
  subject: 'Your account recovery code',
  text: [
    'Support is verifying a recovery request for this account.',
    '',
    `Code: ${params.code}`,
    '',
    `Read it back to support within ${params.minutes} minutes. If you did not ask for account recovery, do not share it.`,
  ].join('\n'),
  html: html`<p>Support is verifying a recovery request for this account.</p>
<p>Code: <strong>${params.code}</strong></p>
<p>Read it back to support within ${params.minutes} minutes. If you did not ask for account recovery, do not share it.</p>`,
}));

const approvedTemplate = mailTemplate((params: { resetPassword: boolean; resetMfa: boolean }) => {
  const done = [
    params.resetMfa ? 'Multi-factor authentication was turned off: sign in with your password, then set it up again.' : null,
    params.resetPassword ? 'A separate message carries a link to choose a new password.' : null,
  ].filter((line): line is string => line !== null);
  return {
    subject: 'Your account recovery request was approved',
    text: ['Your account recovery request was approved.', '', ...done].join('\n'),
    html: html`<p>Your account recovery request was approved.</p>
${done.map((line) => html`<p>${line}</p>`)}`,
  };
});

const deniedTemplate = mailTemplate((params: { reason: string; supportEmail: string }) => ({
  subject: 'Your account recovery request was denied',
  text: [
    'Your account recovery request could not be verified with sufficient evidence and was denied.',
    '',
    `Reason: ${params.reason}`,
    '',
    `You may send a new request to ${params.supportEmail}.`,
  ].join('\n'),
  html: html`<p>Your account recovery request could not be verified with sufficient evidence and was denied.</p>
<p>Reason: ${params.reason}</p><p>You may send a new request to ${params.supportEmail}.</p>`,
}));

/**
 * The recovery jobs. The sender gets only the verification steps; codes and outcomes go to the account's
 * own address as its context records it when the job runs, never to the sender.
 */
@Injectable()
export class RecoveryMail {
  constructor(
    private readonly runner: CommandRunner,
    private readonly codes: RecoveryEmailCodes,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RECOVERY_EVIDENCE) private readonly evidence: RecoveryEvidenceSources,
    @Inject(RECOVERY_ACTIONS) private readonly actions: RecoveryActions,
    @Optional() @Inject(MAILER) private readonly mailer?: Mailer,
  ) {}

  handlers(): Record<string, JobHandler<RecoveryJob>> {
    return {
      [SEND_RECOVERY_STEPS_JOB]: async ({ payload }) => {
        const recoveryCase = await this.load(payload.caseId);
        const mail = stepsTemplate({ supportEmail: this.config.supportEmail });
        await this.send(recoveryCase.fromEmail, mail, `recovery-steps:${payload.eventId}`);
      },
      [SEND_RECOVERY_CODE_JOB]: async ({ payload }) => {
        const recoveryCase = await this.load(payload.caseId);
        const account = await this.evidence.account(recoveryCase.accountId);
        if (!account || !payload.codeId) return;
        const mail = codeTemplate({ code: this.codes.code(recoveryCase.caseId, payload.codeId), minutes: EMAIL_CODE_TTL_SECONDS / 60 });
        await this.send(account.email, mail, `recovery-code:${payload.eventId}`);
      },
      [CARRY_OUT_RECOVERY_JOB]: async ({ payload }) => {
        const recoveryCase = await this.load(payload.caseId);
        const approval = recoveryCase.approval;
        if (!approval) return;
        const context = systemContext(payload.correlationId, payload.eventId);
        if (approval.resetMfa) await this.actions.resetMfa(recoveryCase.accountId, recoveryCase.caseId, context);
        if (approval.resetPassword) await this.actions.sendPasswordReset(recoveryCase.accountId, context);
        const account = await this.evidence.account(recoveryCase.accountId);
        if (account) await this.send(account.email, approvedTemplate(approval), `recovery-approved:${payload.eventId}`);
      },
      [SEND_RECOVERY_DENIAL_JOB]: async ({ payload }) => {
        const recoveryCase = await this.load(payload.caseId);
        const account = await this.evidence.account(recoveryCase.accountId);
        if (!account || recoveryCase.denialReason === null) return;
        const mail = deniedTemplate({ reason: recoveryCase.denialReason, supportEmail: this.config.supportEmail });
        await this.send(account.email, mail, `recovery-denied:${payload.eventId}`);
      },
    };
  }

  private async load(caseId: string): Promise<RecoveryCase> {
    const { state } = await this.runner.load(recoveryCaseStream(caseId), recoveryCaseDecider);
    if (!state.exists) throw new Error(`recovery case ${caseId} not found`);
    return state;
  }

  private async send(to: string, mail: { subject: string; text: string; html: string }, idempotencyKey: string): Promise<void> {
    if (!this.mailer) throw new Error('no mailer is configured');
    await this.mailer.send({ to, ...mail, idempotencyKey });
  }
}
