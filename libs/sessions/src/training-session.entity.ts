import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { VolunteerGroup } from '@cdtg/directory';
import { AdminUnit } from '@cdtg/geography';
import { SessionAudience, SessionStatus } from './sessions.enums';

/**
 * A training session of a group, held in a unit. Times are stored in UTC (timestamptz) and entered and shown in
 * Asia/Ho_Chi_Minh. Attendance is plain integer columns (null until it is logged) so rollups read it with plain SQL.
 */
@Entity('training_session')
@Index('training_session_group_idx', ['groupId', 'startsAt'])
@Index('training_session_unit_idx', ['unitId', 'startsAt'])
@Index('training_session_starts_idx', ['startsAt'])
@Check('training_session_times_chk', `"ends_at" > "starts_at"`)
@Check('training_session_status_chk', `"status" IN ('planned', 'held', 'cancelled')`)
@Check(
  'training_session_attendance_chk',
  `"female_under_35" >= 0 AND "female_35_59" >= 0 AND "female_60_plus" >= 0 AND "male_under_35" >= 0 AND "male_35_59" >= 0 AND "male_60_plus" >= 0
   AND "participants_total" >= "female_under_35" + "female_35_59" + "female_60_plus" + "male_under_35" + "male_35_59" + "male_60_plus"`,
)
export class TrainingSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  groupId: string;

  @ManyToOne(() => VolunteerGroup, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<VolunteerGroup>;

  /** Where it is held (a commune, special zone or residential group, in force on the session's date). */
  @Column({ type: 'uuid' })
  unitId: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<AdminUnit>;

  @Column({ type: 'text' })
  title: string;

  /** The title folded (no diacritics, lower case), for search. */
  @Column({ type: 'text' })
  titleSearch: string;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /** Codes from the training_topic catalogue. */
  @Column({ type: 'text', array: true })
  topics: string[];

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  /** Free text: "Nhà văn hóa tổ 5, 12 Lê Duẩn". */
  @Column({ type: 'text' })
  place: string;

  @Column({ type: 'double precision', nullable: true })
  latitude: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude: number | null;

  /** Participants the place holds. */
  @Column({ type: 'int' })
  capacity: number;

  /** Trainers wanted: assigning one more is refused. */
  @Column({ type: 'int', default: 1 })
  trainerSlots: number;

  @Column({ type: 'text', array: true, default: () => `'{}'` })
  audience: SessionAudience[];

  @Column({ type: 'text', default: SessionStatus.Planned })
  status: SessionStatus;

  @Column({ type: 'text', nullable: true })
  cancelReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** +1 at every change of time or place (training_session_schedule keeps each version; iCalendar SEQUENCE). */
  @Column({ type: 'int', default: 1 })
  version: number;

  @Column({ type: 'int', name: 'female_under_35', nullable: true })
  femaleUnder35: number | null;

  @Column({ type: 'int', name: 'female_35_59', nullable: true })
  female35To59: number | null;

  @Column({ type: 'int', name: 'female_60_plus', nullable: true })
  female60Plus: number | null;

  @Column({ type: 'int', name: 'male_under_35', nullable: true })
  maleUnder35: number | null;

  @Column({ type: 'int', name: 'male_35_59', nullable: true })
  male35To59: number | null;

  @Column({ type: 'int', name: 'male_60_plus', nullable: true })
  male60Plus: number | null;

  /** Everyone who took part; at least the six cells above (people whose gender or age was not noted count only here). */
  @Column({ type: 'int', nullable: true })
  participantsTotal: number | null;

  /** Topic code → participants who completed its practical step (e.g. {"vneid": 12}). */
  @Column({ type: 'jsonb', nullable: true })
  practicalCompletions: Record<string, number> | null;

  @Column({ type: 'text', nullable: true })
  attendanceNote: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  attendanceLoggedAt: Date | null;

  /** The ids phones gave the attendances they logged (offline sync): one of them sent again changes nothing. */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  attendanceClientIds: string[];

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
