import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EmailTemplateName } from './templates';
import type { Language } from './language';

/** `cancelled`: a notice's e-mail whose member withdrew e-mail consent before it could be sent; never sent. */
export type EmailStatus = 'queued' | 'sent' | 'failed' | 'cancelled';

/** One e-mail to one recipient: queued in the transaction of the change, delivered by the worker. */
@Entity('email_message')
export class EmailMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Identifies the reason for the e-mail (e.g. "invitation:<id>"): the same key twice queues one e-mail. */
  @Column({ type: 'text', unique: true })
  dedupeKey: string;

  @Column({ type: 'text' })
  toAddress: string;

  @Column({ type: 'text' })
  language: Language;

  @Column({ type: 'text' })
  template: EmailTemplateName;

  @Column({ type: 'jsonb' })
  params: Record<string, unknown>;

  @Column({ type: 'text', default: 'queued' })
  status: EmailStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** RFC 5322 Message-ID, derived from the id: a resend after a crash carries the same one. */
  @Column({ type: 'text', nullable: true })
  messageId: string | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
