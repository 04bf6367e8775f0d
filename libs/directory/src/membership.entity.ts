import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { MemberRole } from './directory.enums';
import { Member } from './member.entity';
import { VolunteerGroup } from './volunteer-group.entity';

/** A member's place in a group over a period. One open membership per member; moves close one and open another. */
@Entity('membership')
@Index('membership_current_unique', ['memberId'], { unique: true, where: 'to_date IS NULL' })
@Index('membership_group_idx', ['groupId', 'toDate'])
@Index('membership_member_idx', ['memberId', 'fromDate'])
export class Membership {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  groupId: string;

  @ManyToOne(() => VolunteerGroup, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<VolunteerGroup>;

  @Column({ type: 'uuid' })
  memberId: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id' })
  member?: Relation<Member>;

  @Column({ type: 'text' })
  role: MemberRole;

  @Column({ type: 'date' })
  fromDate: string;

  /** Inclusive last day; null while current. */
  @Column({ type: 'date', nullable: true })
  toDate: string | null;
}
