import { AddressInfo } from 'node:net';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  parsed: ParsedMail;
}

/** A real SMTP server in this process: the app sends to it over TCP, tests read what arrived. */
export class TestSmtpServer {
  readonly messages: CaughtMail[] = [];
  private readonly server: SMTPServer;
  port = 0;

  /** `beforeAccept` runs once a message has fully arrived, before the server answers the client that it is accepted. */
  constructor(options: { beforeAccept?: (mail: CaughtMail) => Promise<void> } = {}) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then(async (parsed) => {
            const mail = { to: session.envelope.rcptTo.map((r) => r.address), parsed };
            await options.beforeAccept?.(mail);
            this.messages.push(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    // A client killed mid-conversation (kill -9 of a worker) resets its socket: not an error of this server.
    this.server.on('error', () => undefined);
  }

  /** Listens on `port` (0: any free port). */
  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): CaughtMail[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
