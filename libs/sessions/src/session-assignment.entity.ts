import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { Member } from '@cdtg/directory';
import { AssignmentRole, AssignmentStatus } from './sessions.enums';
import { TrainingSession } from './training-session.entity';

/**
 * A member assigned to a session with a role. At most one pending or accepted assignment per member and session;
 * declined and withdrawn ones stay as history (assigning the member again makes a new row).
 */
@Entity('session_assignment')
@Index('session_assignment_active_unique', ['sessionId', 'memberId'], { unique: true, where: `status IN ('pending', 'accepted')` })
@Index('session_assignment_session_idx', ['sessionId', 'status'])
@Index('session_assignment_member_idx', ['memberId', 'status'])
@Check('session_assignment_status_chk', `"status" IN ('pending', 'accepted', 'declined', 'withdrawn')`)
@Check('session_assignment_role_chk', `"role" IN ('trainer', 'assistant', 'supporter')`)
export class SessionAssignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => TrainingSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<TrainingSession>;

  @Column({ type: 'uuid' })
  memberId: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id' })
  member?: Relation<Member>;

  @Column({ type: 'text' })
  role: AssignmentRole;

  @Column({ type: 'text', default: AssignmentStatus.Pending })
  status: AssignmentStatus;

  /** Why it was declined or withdrawn. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  respondedAt: Date | null;

  /** The account that recorded the answer: the member's own, or an officer's on their behalf. */
  @Column({ type: 'uuid', nullable: true })
  respondedBy: string | null;

  @Column({ type: 'uuid', nullable: true })
  assignedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  assignedAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
