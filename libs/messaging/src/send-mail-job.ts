import { Backoff, JobHandler, JobQueue } from './job-queue';
import { Mailer } from './mailer';

export const MAIL_QUEUE = 'mail';
export const SEND_MAIL_JOB = 'send-mail';

export interface MailJob {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  /** Derived from the event that causes the mail: it is both the job id and the Message-ID seed. */
  idempotencyKey: string;
}

/**
 * Queues a mail for `sendMailJob`. The payload stays in the queue until the job is forgotten (BullMQ:
 * the completed-job retention), so it must not carry more than the mail itself needs.
 */
export function enqueueMail(
  jobs: JobQueue,
  mail: MailJob,
  options: { delayMs?: number; attempts?: number; backoff?: Backoff } = {},
): Promise<void> {
  return jobs.enqueue(MAIL_QUEUE, SEND_MAIL_JOB, mail, { jobId: `mail:${mail.idempotencyKey}`, ...options });
}

/** The worker side: one job, one send; a failed send throws, so the queue retries it with backoff. */
export function sendMailJob(mailer: Mailer): JobHandler<MailJob> {
  return async (job) => {
    const { to, subject, text, html, idempotencyKey } = job.payload;
    await mailer.send({ to, subject, text, html, idempotencyKey });
  };
}
