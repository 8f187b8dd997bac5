import { join } from 'node:path';
import { SqlDatabase } from '@app/database';
import { BullMqJobQueue } from './bullmq-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { Backoff, JobQueue, MessagingLogger } from './job-queue';
import { Mailer } from './mailer';
import { OutboxMailer } from './outbox-mailer';
import { SmtpMailer } from './smtp-mailer';
import { SqlJobQueue } from './sql-job-queue';

/**
 * `REDIS_URL` set: BullMQ on Redis; otherwise the durable SQL queue in `db` (the embedded default, also
 * on PostgreSQL without Redis). Without either, the in-process queue (memory only: tests).
 */
export async function createJobQueue(options: {
  redisUrl?: string;
  db?: SqlDatabase;
  logger?: MessagingLogger;
  defaultBackoff?: Backoff;
  /** How long a running job stays claimed without a renewal (both adapters' default: 30 s). */
  lockDurationMs?: number;
}): Promise<JobQueue> {
  const { logger, defaultBackoff, lockDurationMs } = options;
  if (options.redisUrl) return new BullMqJobQueue({ redisUrl: options.redisUrl, logger, defaultBackoff, lockDurationMs });
  if (options.db) return SqlJobQueue.create(options.db, { logger, defaultBackoff, lockDurationMs });
  return new InProcessJobQueue({ logger, defaultBackoff });
}

/** `MAIL_URL` set: SMTP; otherwise `.eml` files under `DATA_DIR/outbox` (embedded default). */
export function createMailer(options: { mailUrl?: string; mailFrom?: string; dataDir: string }): Mailer {
  if (options.mailUrl) return new SmtpMailer({ mailUrl: options.mailUrl, from: options.mailFrom });
  return new OutboxMailer({ dir: join(options.dataDir, 'outbox'), from: options.mailFrom });
}
