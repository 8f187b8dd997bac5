import { join } from 'node:path';
import { BullMqJobQueue } from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobQueue, MessagingLogger } from './job-queue';
import { Mailer } from './mailer';
import { OutboxMailer } from './outbox-mailer';
import { SmtpMailer } from './smtp-mailer';

/** `REDIS_URL` set: BullMQ on Redis; otherwise the in-process queue (embedded default). */
export function createJobQueue(options: { redisUrl?: string; logger?: MessagingLogger }): JobQueue {
  if (options.redisUrl) return new BullMqJobQueue({ redisUrl: options.redisUrl, logger: options.logger });
  return new InProcessJobQueue({ logger: options.logger });
}

/** `MAIL_URL` set: SMTP; otherwise `.eml` files under `DATA_DIR/outbox` (embedded default). */
export function createMailer(options: { mailUrl?: string; mailFrom?: string; dataDir: string }): Mailer {
  if (options.mailUrl) return new SmtpMailer({ mailUrl: options.mailUrl, from: options.mailFrom });
  return new OutboxMailer({ dir: join(options.dataDir, 'outbox'), from: options.mailFrom });
}
