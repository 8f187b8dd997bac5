import { SMTPServer } from 'smtp-server';
import { parseMessage, ParsedMessage } from './parse-message';

/** A real SMTP server on loopback that keeps every message it accepts. */
export class SmtpTestServer {
  readonly received: ParsedMessage[] = [];
  private readonly server: SMTPServer;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.received.push(parseMessage(Buffer.concat(chunks).toString('utf8')));
          callback();
        });
      },
    });
  }

  static async start(port = 0): Promise<SmtpTestServer> {
    const instance = new SmtpTestServer();
    await new Promise<void>((resolve, reject) => {
      instance.server.once('error', reject);
      instance.server.listen(port, '127.0.0.1', () => resolve());
    });
    return instance;
  }

  get url(): string {
    const { port } = this.server.server.address() as { port: number };
    return `smtp://127.0.0.1:${port}`;
  }

  withMessageId(messageId: string): ParsedMessage[] {
    return this.received.filter((message) => message.header('message-id') === messageId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
