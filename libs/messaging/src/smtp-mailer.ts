import { createTransport } from 'nodemailer';
import { composeMail, DEFAULT_MAIL_FROM, MailMessage, Mailer, SentMail } from './mailer';

export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host:port` (STARTTLS when offered) or `smtps://...` (implicit TLS). */
  mailUrl: string;
  from?: string;
}

/** Sends through an SMTP server, one connection per message; errors reject so the job retries. */
export class SmtpMailer implements Mailer {
  readonly from: string;
  private readonly transport;

  constructor(options: SmtpMailerOptions) {
    this.from = options.from ?? DEFAULT_MAIL_FROM;
    // nodemailer's defaults wait up to 2 minutes for a connection and 10 for a silent socket: too
    // long for a job whose retry would do better.
    this.transport = createTransport({ url: options.mailUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 });
  }

  async send(message: MailMessage): Promise<SentMail> {
    const info = await this.transport.sendMail(composeMail(message, this.from));
    return { messageId: info.messageId };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
