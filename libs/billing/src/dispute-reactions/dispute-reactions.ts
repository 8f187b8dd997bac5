import { Inject, Injectable, Optional } from '@nestjs/common';
import { AccountStates } from '@app/identity';
import { AppConfig } from '@app/config';
import { APP_CONFIG, CLOCK, MAILER } from '@app/core';
import { Clock, CommandRunner, systemContext } from '@app/ddd';
import { RecordedEvent } from '@app/event-store';
import { html, JobHandler, Mailer, mailTemplate } from '@app/messaging';
import { JobRequest, Reaction } from '@app/projections';
import { disputeDecider } from '../domain/dispute.decider';
import { accountInvoicesDecider } from '../domain/invoice.decider';
import { accountInvoicesStream, disputeStream, InvoicingEventType } from '../domain/invoicing.events';

export const INVOICING_QUEUE = 'billing-invoicing';
export const SEND_DISPUTE_MAIL_JOB = 'send-dispute-mail';
export const GRANT_DISPUTE_CREDIT_JOB = 'grant-dispute-credit';

/** Ids only: the worker reads the answer from the dispute's stream, so no text waits in the queue. */
export interface DisputeMailJob {
  readonly disputeId: string;
  readonly eventId: string;
}

export interface DisputeCreditJob {
  readonly disputeId: string;
  readonly accountId: string;
  readonly creditMicros: number;
}

/** Each answer and the resolution are emailed to the holder; an upheld dispute's credit reaches its invoices. */
export const disputeReaction: Reaction = {
  name: 'billing.disputes',
  eventTypePrefixes: [InvoicingEventType.DisputeAnswered, InvoicingEventType.DisputeResolved],
  react(event: RecordedEvent): JobRequest[] {
    if (event.type !== InvoicingEventType.DisputeAnswered && event.type !== InvoicingEventType.DisputeResolved) return [];
    const disputeId = String(event.data.disputeId);
    const jobs: JobRequest[] = [
      { queue: INVOICING_QUEUE, name: SEND_DISPUTE_MAIL_JOB, payload: { disputeId, eventId: event.id } satisfies DisputeMailJob },
    ];
    const creditMicros = Number(event.data.creditMicros ?? 0);
    if (event.type === InvoicingEventType.DisputeResolved && creditMicros > 0) {
      const payload: DisputeCreditJob = { disputeId, accountId: String(event.data.accountId), creditMicros };
      jobs.push({ queue: INVOICING_QUEUE, name: GRANT_DISPUTE_CREDIT_JOB, payload });
    }
    return jobs;
  },
};

const reference = (dispute: { invoiceNumber: string | null; chargeRef: string | null }): string =>
  dispute.invoiceNumber ?? `charge ${dispute.chargeRef}`;

export const disputeAnswerTemplate = mailTemplate((params: { reference: string; message: string; supportEmail: string }) => ({
  subject: `Your billing dispute about ${params.reference}`,
  text: [
    `The billing team answered your dispute about ${params.reference}:`,
    '',
    params.message,
    '',
    `Reply to ${params.supportEmail} if you have more to add.`,
  ].join('\n'),
  html: html`<p>The billing team answered your dispute about ${params.reference}:</p>
<blockquote>${params.message}</blockquote>
<p>Reply to ${params.supportEmail} if you have more to add.</p>`,
}));

export const disputeResolutionTemplate = mailTemplate(
  (params: { reference: string; outcome: string; credit: string | null; supportEmail: string }) => ({
    subject: `Your billing dispute about ${params.reference} is resolved`,
    text: [
      `Your dispute about ${params.reference} is resolved: ${params.outcome}.`,
      ...(params.credit ? ['', `A credit of ${params.credit} will appear on your next invoice.`] : []),
      '',
      `Questions: ${params.supportEmail}`,
    ].join('\n'),
    html: html`<p>Your dispute about ${params.reference} is resolved: ${params.outcome}.</p>
${params.credit ? html`<p>A credit of ${params.credit} will appear on your next invoice.</p>` : ''}
<p>Questions: ${params.supportEmail}</p>`,
  }),
);

/** Micro-units as dollars and cents, in integers (1 USD = 1,000,000 micro-units). */
export function formatMicros(micros: number): string {
  const negative = micros < 0;
  const cents = Math.round(Math.abs(micros) / 10_000);
  const text = `$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

@Injectable()
export class DisputeJobs {
  constructor(
    private readonly runner: CommandRunner,
    private readonly accounts: AccountStates,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(MAILER) private readonly mailer?: Mailer,
  ) {}

  mail(): JobHandler<DisputeMailJob> {
    return async ({ payload }) => {
      if (!this.mailer) throw new Error('no mailer is configured');
      const { events, state } = await this.runner.load(disputeStream(payload.disputeId), disputeDecider);
      const event = events.find((e) => e.id === payload.eventId);
      if (!event) throw new Error(`event ${payload.eventId} is not in dispute ${payload.disputeId}`);
      const account = await this.accounts.load(state.accountId);
      if (!account.exists) return;
      const supportEmail = this.config.supportEmail;
      const mail =
        event.type === InvoicingEventType.DisputeAnswered
          ? disputeAnswerTemplate({ reference: reference(state), message: String(event.data.message), supportEmail })
          : disputeResolutionTemplate({
              reference: reference(state),
              outcome: String(event.data.outcome),
              credit: Number(event.data.creditMicros) > 0 ? formatMicros(Number(event.data.creditMicros)) : null,
              supportEmail,
            });
      await this.mailer.send({ to: account.email, ...mail, idempotencyKey: `billing-dispute:${event.id}` });
    };
  }

  /** Idempotent: the credit's id is the dispute's, so a re-driven job grants nothing twice. */
  credit(): JobHandler<DisputeCreditJob> {
    return async ({ payload, id }) => {
      const now = this.clock.now();
      const { state } = await this.runner.load(disputeStream(payload.disputeId), disputeDecider);
      await this.runner.run(
        accountInvoicesStream(payload.accountId),
        accountInvoicesDecider,
        {
          kind: 'GrantCredit',
          creditId: payload.disputeId,
          disputeId: payload.disputeId,
          amountMicros: payload.creditMicros,
          reason: `Credit for the dispute about ${reference(state)}`,
        },
        systemContext(id),
        { accountId: payload.accountId, occurredAt: now },
      );
    };
  }
}
