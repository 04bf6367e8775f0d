import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Member } from '@cdtg/directory';
import type { NoticeChannel } from '@cdtg/notifications';

/**
 * A member's choices about notices (no row: the defaults). Notices about their own assignments always go, on the
 * preferred channel when it can carry them (consent and reachability are the notifications lib's, notice_consent).
 */
@Entity('member_notice_preference')
export class NoticePreference {
  @PrimaryColumn({ type: 'uuid' })
  memberId: string;

  @OneToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id' })
  member?: Relation<Member>;

  /** The Monday e-mail with the week's sessions. */
  @Column({ type: 'boolean', default: true })
  weeklyAgenda: boolean;

  /** Tried first (then ZNS → SMS → e-mail); null: that order. */
  @Column({ type: 'text', nullable: true })
  preferredChannel: NoticeChannel | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
