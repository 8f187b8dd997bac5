import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMailer,
  enqueueMail,
  html,
  InProcessJobQueue,
  MAIL_QUEUE,
  mailTemplate,
  messageIdFor,
  OutboxMailer,
  SafeHtml,
  sendMailJob,
  SmtpMailer,
} from '@app/messaging';
import { eventually, sleep } from './eventually';
import { freePort, parseMessage, SmtpTestServer } from '@app/testing';

const resetMail = mailTemplate((p: { name: string; link: string }) => ({
  subject: `Reset your password,\r\n${p.name}`,
  text: `Hello ${p.name},\nopen ${p.link} within 15 minutes.`,
  html: html`<p>Hello ${p.name},</p><p><a href="${p.link}">Reset your password</a></p>`,
}));

describe('mail templates', () => {
  it('escapes parameters in the html part only, and keeps the subject on one line', () => {
    const mail = resetMail({ name: '<b>Zoë & "Ann"</b>', link: 'https://hub.example/reset?token=a&b=1' });

    expect(mail.subject).toBe('Reset your password, <b>Zoë & "Ann"</b>');
    expect(mail.text).toBe('Hello <b>Zoë & "Ann"</b>,\nopen https://hub.example/reset?token=a&b=1 within 15 minutes.');
    expect(mail.html).toBe(
      '<p>Hello &lt;b&gt;Zoë &amp; &quot;Ann&quot;&lt;/b&gt;,</p><p><a href="https://hub.example/reset?token=a&amp;b=1">Reset your password</a></p>',
    );
  });

  it('embeds nested safe fragments and lists as they are', () => {
    const items = ['<x>', 'y'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${new SafeHtml('<hr>')}${null}`.value).toBe('<ul><li>&lt;x&gt;</li><li>y</li></ul><hr>');
  });
});

describe('Message-ID from an idempotency key', () => {
  it('is stable for a key, differs between keys, and sits in the domain of MAIL_FROM', () => {
    const id = messageIdFor('password-reset:e-1', 'Accounts <no-reply@minimax.gr.com>');
    expect(id).toMatch(/^<[0-9a-f]{40}@minimax\.gr\.com>$/);
    expect(messageIdFor('password-reset:e-1', 'no-reply@minimax.gr.com')).toBe(id);
    expect(messageIdFor('password-reset:e-2', 'no-reply@minimax.gr.com')).not.toBe(id);
    expect(id).not.toContain('e-1');
  });
});

describe('SMTP mailer against a real SMTP server', () => {
  let server: SmtpTestServer;
  beforeEach(async () => (server = await SmtpTestServer.start()));
  afterEach(() => server.close());

  it('delivers from, to, subject, text, html and the Message-ID derived from the idempotency key', async () => {
    const mailer = new SmtpMailer({ mailUrl: server.url });
    const mail = resetMail({ name: 'Zoë', link: 'https://hub.example/reset?token=t1' });

    const sent = await mailer.send({ to: 'zoe@example.com', ...mail, idempotencyKey: 'password-reset:e-1' });
    await mailer.close();

    expect(sent.messageId).toBe(messageIdFor('password-reset:e-1'));
    expect(server.received).toHaveLength(1);
    const [message] = server.received;
    expect(message.header('from')).toBe('no-reply@minimax.gr.com');
    expect(message.header('to')).toBe('zoe@example.com');
    expect(message.header('subject')).toBe('Reset your password, Zoë');
    expect(message.header('message-id')).toBe(sent.messageId);
    expect(message.text).toBe(mail.text);
    expect(message.html).toBe(mail.html);
  });

  it('rejects the send when no server listens, so the job that called it retries', async () => {
    const mailer = new SmtpMailer({ mailUrl: `smtp://127.0.0.1:${await freePort()}` });
    await expect(mailer.send({ to: 'a@example.com', subject: 's', text: 't' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('outbox mailer', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'outbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each message as a parseable .eml file, once per idempotency key', async () => {
    const mailer = new OutboxMailer({ dir: join(dir, 'outbox'), from: 'Accounts <accounts@example.org>' });
    const mail = resetMail({ name: 'Zoë <admin>', link: 'https://hub.example/reset?token=t2' });

    const first = await mailer.send({ to: ['zoe@example.com', 'ops@example.com'], ...mail, idempotencyKey: 'password-reset:e-9' });
    const again = await mailer.send({ to: ['zoe@example.com', 'ops@example.com'], ...mail, idempotencyKey: 'password-reset:e-9' });
    await mailer.send({ to: 'zoe@example.com', subject: 'Welcome', text: 'Hello' });

    const files = readdirSync(join(dir, 'outbox'));
    expect(files).toHaveLength(2);
    expect(files.every((file) => file.endsWith('.eml'))).toBe(true);
    expect(again.messageId).toBe(first.messageId);
    const raws = files.map((file) => readFileSync(join(dir, 'outbox', file), 'utf8'));
    expect(raws.every((raw) => !/[^\r]\n/.test(raw))).toBe(true);
    const messages = raws.map(parseMessage);
    const reset = messages.find((message) => message.header('message-id') === first.messageId)!;
    expect(reset.header('from')).toBe('Accounts <accounts@example.org>');
    expect(reset.header('to')).toBe('zoe@example.com, ops@example.com');
    expect(reset.header('subject')).toBe(mail.subject);
    expect(reset.header('date')).toBeDefined();
    expect(reset.text).toBe(mail.text);
    expect(reset.html).toBe(mail.html);
    expect(first.messageId).toMatch(/@example\.org>$/);
  });
});

describe('mailer selection', () => {
  it('writes to DATA_DIR/outbox when MAIL_URL is not set, and sends by SMTP when it is', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'data-'));
    const server = await SmtpTestServer.start();
    try {
      const outbox = createMailer({ dataDir });
      await outbox.send({ to: 'a@example.com', subject: 'Embedded', text: 'to a file' });
      expect(readdirSync(join(dataDir, 'outbox'))).toHaveLength(1);

      const smtp = createMailer({ dataDir, mailUrl: server.url, mailFrom: 'billing@minimax.gr.com' });
      await smtp.send({ to: 'a@example.com', subject: 'Production', text: 'to a server' });
      expect(server.received.map((message) => [message.header('from'), message.header('subject')])).toEqual([
        ['billing@minimax.gr.com', 'Production'],
      ]);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a mail job while the SMTP server is down', () => {
  let server: SmtpTestServer | undefined;
  let jobs: InProcessJobQueue;
  afterEach(async () => {
    await jobs.close();
    await server?.close();
  });

  it('retries until the server is back, then the message arrives exactly once', async () => {
    const port = await freePort();
    const mailer = new SmtpMailer({ mailUrl: `smtp://127.0.0.1:${port}` });
    jobs = new InProcessJobQueue();
    jobs.registerWorker(MAIL_QUEUE, sendMailJob(mailer));
    const mail = {
      to: 'zoe@example.com',
      subject: 'Your invoice',
      text: 'Invoice 2026-01 is ready.',
      idempotencyKey: 'invoice-issued:e-7',
    };
    const retry = { attempts: 50, backoff: { type: 'fixed' as const, delayMs: 200 } };

    await enqueueMail(jobs, mail, retry);
    await sleep(2500);
    expect(await jobs.counts(MAIL_QUEUE)).toMatchObject({ completed: 0, failed: 0 });
    // The reaction runner re-drives the same event: same job id, nothing new.
    await enqueueMail(jobs, mail, retry);

    server = await SmtpTestServer.start(port);
    await eventually(() => expect(server!.withMessageId(messageIdFor('invoice-issued:e-7'))).toHaveLength(1), 5000);
    await eventually(async () => expect(await jobs.counts(MAIL_QUEUE)).toMatchObject({ completed: 1, delayed: 0, waiting: 0 }));
    await enqueueMail(jobs, mail, retry);
    await sleep(700);
    expect(server.received).toHaveLength(1);
    expect(server.received[0].text).toBe('Invoice 2026-01 is ready.');
    expect(await jobs.failedJobs(MAIL_QUEUE)).toEqual([]);
  });
});
