import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Member } from '@cdtg/directory';

/** A member's choices about optional e-mails (no row: the defaults). Notices about their own assignments always go. */
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

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
