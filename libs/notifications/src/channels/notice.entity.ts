import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import type { Language } from '../language';
import type { NoticeChannel } from './notice-channel';

/** `unconfirmed`: a ZNS call's outcome stayed unknown and no receipt came within the wait; reported, never re-sent. */
export type NoticeStatus = 'queued' | 'sent' | 'delivered' | 'undeliverable' | 'unconfirmed';

/**
 * One notice to one member, whatever channel carries it: queued in the transaction of the change, delivered by the
 * worker on the first channel the member can be reached on and has consented to (see notice-delivery.service.ts).
 * The dedupe key is the notice's identity across every channel: it is also the provider's tracking id.
 */
@Entity('notice')
@Check('notice_status_chk', `"status" IN ('queued', 'sent', 'delivered', 'undeliverable', 'unconfirmed')`)
export class Notice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Why the notice exists (e.g. "assignment:<id>"): the same key twice queues one notice, on one channel. */
  @Column({ type: 'text', unique: true })
  dedupeKey: string;

  @Column({ type: 'uuid' })
  memberId: string;

  /** E.164 (+84…), as the directory keeps it. */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  /** The member's preferred channel when the notice was queued (tried first). */
  @Column({ type: 'text', nullable: true })
  preferredChannel: NoticeChannel | null;

  @Column({ type: 'text' })
  language: Language;

  @Column({ type: 'text' })
  template: string;

  /** The template's parameters; its secret ones sealed (sealed-params.ts). */
  @Column({ type: 'jsonb' })
  params: Record<string, unknown>;

  @Column({ type: 'text', default: 'queued' })
  status: NoticeStatus;

  /** The channel that carried it (once sent). */
  @Column({ type: 'text', nullable: true })
  channel: NoticeChannel | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}

export type AttemptStatus = 'pending' | 'accepted' | 'refused';

/**
 * A notice's use of one channel. `pending` is written and committed before the provider is called: a crash or a
 * timeout leaves it pending, and the retry calls the same channel with the same reference (the provider recognises
 * it), never the next one. Only a definite refusal moves the notice on to the next channel.
 */
@Entity('notice_attempt')
@Index('notice_attempt_channel_unique', ['noticeId', 'channel'], { unique: true })
@Index('notice_attempt_provider_ref_idx', ['channel', 'providerRef'])
@Check('notice_attempt_status_chk', `"status" IN ('pending', 'accepted', 'refused')`)
export class NoticeAttempt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  noticeId: string;

  @ManyToOne(() => Notice, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'notice_id' })
  notice?: Relation<Notice>;

  @Column({ type: 'text' })
  channel: NoticeChannel;

  @Column({ type: 'text', default: 'pending' })
  status: AttemptStatus;

  /** Calls made to the provider (retries of the same request). */
  @Column({ type: 'int', default: 0 })
  calls: number;

  /** Calls whose answer was recorded. On a re-run, calls > answered: a worker died mid-call, the outcome is unknown. */
  @Column({ type: 'int', default: 0 })
  answered: number;

  /** Some call's outcome was unknown (timeout, 5xx): the provider may hold the message, so this channel is never left for another. */
  @Column({ type: 'boolean', default: false })
  uncertain: boolean;

  /** The provider's id of the message (ZNS msg_id, the gateway's id, the e-mail's Message-ID). */
  @Column({ type: 'text', nullable: true })
  providerRef: string | null;

  /** The provider's refusal or the last transport error (a code, never the message text). */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  /** From the provider's delivery receipt. */
  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}

/**
 * A member's consent to be contacted on one channel, or its withdrawal: rows are only added, so the history stays;
 * the latest row per member and channel is the standing answer. No ZNS or SMS goes out without a standing consent,
 * checked when the message is sent; e-mail goes to the address the member gave unless they withdrew it.
 */
@Entity('notice_consent')
@Index('notice_consent_member_idx', ['memberId', 'channel', 'createdAt'])
@Check('notice_consent_channel_chk', `"channel" IN ('email', 'zns', 'sms')`)
export class NoticeConsent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  memberId: string;

  @Column({ type: 'text' })
  channel: NoticeChannel;

  @Column({ type: 'boolean' })
  granted: boolean;

  /** How it was given or withdrawn (ConsentSource). */
  @Column({ type: 'text' })
  source: string;

  /** The account that recorded it (an officer, or the member's own); null from a signed link. */
  @Column({ type: 'uuid', nullable: true })
  recordedBy: string | null;

  @Column({ type: 'text' })
  recordedByLabel: string;

  /** When it was given or withdrawn (the application's clock). */
  @Column({ type: 'timestamptz' })
  recordedAt: Date;

  /** When the row was written: the order of the history (the latest row stands). */
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * A provider's current OAuth tokens (Zalo rotates the refresh token on every refresh, so the newest one must survive a
 * restart). Both sealed like a queued link (sealed-params.ts).
 */
@Entity('notice_provider_token')
export class NoticeProviderToken {
  @Column({ type: 'text', primary: true })
  provider: string;

  @Column({ type: 'text' })
  accessToken: string;

  @Column({ type: 'text' })
  refreshToken: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
