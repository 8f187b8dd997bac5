export * from './job-queue';
export { InProcessJobQueue, InProcessJobQueueOptions } from './in-process-job-queue';
export { BullMqJobQueue, BullMqJobQueueOptions, encodeJobId, decodeJobId } from './bullmq-job-queue';
export { Mailer, MailMessage, SentMail, DEFAULT_MAIL_FROM, messageIdFor } from './mailer';
export { SmtpMailer, SmtpMailerOptions } from './smtp-mailer';
export { OutboxMailer, OutboxMailerOptions } from './outbox-mailer';
export { SafeHtml, escapeHtml, html, mailTemplate, MailTemplate, RenderedMail } from './mail-template';
export { MAIL_QUEUE, SEND_MAIL_JOB, MailJob, enqueueMail, sendMailJob } from './send-mail-job';
export { createJobQueue, createMailer } from './adapters';
