import { createHash } from 'node:crypto';

/**
 * Mail port. Delivery is at least once: a send that fails is retried by its job, and a retry after
 * the server accepted the message but before it answered delivers it twice. Such a duplicate carries
 * the same Message-ID (derived from `idempotencyKey`), so a mail client or the recipient's server
 * can recognise it.
 */
export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  close(): Promise<void>;
}

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  /** A stable key of the caller (e.g. `password-reset:<eventId>`): the Message-ID is derived from it. */
  idempotencyKey?: string;
  /** An explicit Message-ID (`<local@domain>`); wins over `idempotencyKey`. Without either, a random one. */
  messageId?: string;
}

export interface SentMail {
  messageId: string;
}

export const DEFAULT_MAIL_FROM = 'no-reply@minimax.gr.com';

/** `<hash@domain>`: the same key always gives the same Message-ID, and the key itself is not disclosed. */
export function messageIdFor(idempotencyKey: string, fromAddress: string = DEFAULT_MAIL_FROM): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<${hash}@${domainOf(fromAddress)}>`;
}

function domainOf(address: string): string {
  const match = /@([^\s<>@]+)>?\s*$/.exec(address);
  if (!match) throw new Error(`MAIL_FROM has no domain: ${address}`);
  return match[1];
}

/** The nodemailer message options both adapters send or write. */
export function composeMail(message: MailMessage, from: string) {
  const messageId = message.messageId ?? (message.idempotencyKey !== undefined ? messageIdFor(message.idempotencyKey, from) : undefined);
  return { from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId };
}
