import { Mailer, MailMessage, SentMail } from '@app/messaging';
import { messageIdFor } from '@app/messaging';

/** Keeps every message in memory, in the order sent: for asserting on mail in HTTP tests. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];

  async send(message: MailMessage): Promise<SentMail> {
    this.sent.push(message);
    return { messageId: message.messageId ?? messageIdFor(message.idempotencyKey ?? String(this.sent.length)) };
  }

  /** Messages to one address (case-insensitive), oldest first. */
  to(address: string): MailMessage[] {
    const wanted = address.toLowerCase();
    return this.sent.filter((message) => [message.to].flat().some((to) => to.toLowerCase() === wanted));
  }

  async close(): Promise<void> {}
}
