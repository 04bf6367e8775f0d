import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer, { SendMailOptions, Transporter } from 'nodemailer';
import { AppConfig } from '@cdtg/config';

/** Sends one message; returns the server's answer. */
export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(message: SendMailOptions): Promise<string>;
  close(): void;
}

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

class SmtpTransport implements MailTransport {
  readonly kind = 'smtp' as const;
  private readonly transporter: Transporter;

  constructor(url: string) {
    this.transporter = nodemailer.createTransport(url);
  }

  async send(message: SendMailOptions): Promise<string> {
    const info = (await this.transporter.sendMail(message)) as { response?: string };
    return info.response ?? 'sent';
  }

  close(): void {
    this.transporter.close();
  }
}

/** Development: each message becomes an .eml file under DATA_DIR/mail, to open in any mail client. */
class FileTransport implements MailTransport {
  readonly kind = 'file' as const;
  private readonly transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async send(message: SendMailOptions): Promise<string> {
    const info = (await this.transporter.sendMail(message)) as { message: Buffer };
    // eslint-disable-next-line no-restricted-syntax -- a file name on the machine's clock, not a rule
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(message.messageId ?? Date.now()).replace(/[^a-zA-Z0-9-]/g, '')}.eml`;
    const path = join(this.dir, name);
    writeFileSync(path, info.message);
    return `written to ${path}`;
  }

  close(): void {}
}

export function createMailTransport(config: AppConfig): MailTransport {
  if (config.SMTP_URL) return new SmtpTransport(config.SMTP_URL);
  if (config.isProduction) throw new Error('SMTP_URL is required when NODE_ENV=production (no mail written to files)');
  return new FileTransport(resolve(config.DATA_DIR, 'mail'));
}
