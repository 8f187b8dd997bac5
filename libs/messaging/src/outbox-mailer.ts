import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { composeMail, DEFAULT_MAIL_FROM, MailMessage, Mailer, SentMail } from './mailer';

export interface OutboxMailerOptions {
  /** The folder of `.eml` files, `DATA_DIR/outbox` on the embedded default. */
  dir: string;
  from?: string;
}

/**
 * The embedded default: writes each message as an RFC 822 `.eml` file instead of sending it.
 * The file is named after the Message-ID, so a retried send with the same idempotency key finds
 * its file and writes nothing (exactly once per key); a file appears whole (written, then renamed).
 */
export class OutboxMailer implements Mailer {
  readonly from: string;
  readonly dir: string;

  constructor(options: OutboxMailerOptions) {
    this.dir = options.dir;
    this.from = options.from ?? DEFAULT_MAIL_FROM;
  }

  async send(message: MailMessage): Promise<SentMail> {
    // RFC 5322 line breaks (CRLF) throughout, as on the wire; nodemailer keeps the body's LF otherwise.
    const node = new MailComposer({ ...composeMail(message, this.from), newline: 'windows' }).compile();
    const messageId = node.messageId();
    const file = join(this.dir, `${createHash('sha256').update(messageId).digest('hex').slice(0, 32)}.eml`);
    if (await exists(file)) return { messageId };
    const raw = await node.build();
    await mkdir(this.dir, { recursive: true });
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(partial, raw);
    await rename(partial, file);
    return { messageId };
  }

  async close(): Promise<void> {}
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
