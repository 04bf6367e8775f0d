import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation, UpdateDateColumn } from 'typeorm';
import { VolunteerGroup } from '@cdtg/directory';
import { AdminUnit } from '@cdtg/geography';
import { TrainingSession } from '@cdtg/sessions';
import { EntryStatus, ServiceOutcome } from './assist.enums';
import { Household } from './household.entity';

/** One visit: volunteers of a group helped one household with one or more services. */
@Entity('assist_entry')
@Index('assist_entry_client_id_unique', ['clientId'], { unique: true })
@Index('assist_entry_household_idx', ['householdId', 'occurredAt'])
@Index('assist_entry_unit_day_idx', ['unitId', 'occurredOn'])
@Index('assist_entry_group_idx', ['groupId', 'occurredAt'])
@Index('assist_entry_volunteers_gin', { synchronize: false })
@Check('assist_entry_void_check', `(status = 'voided') = (void_reason IS NOT NULL)`)
export class AssistEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Made by the client (the phone) when the entry was written, offline or not: re-sending it is harmless. */
  @Column({ type: 'text' })
  clientId: string;

  /** The group whose volunteers helped (the entry's access anchor with the unit). */
  @Column({ type: 'uuid' })
  groupId: string;

  @ManyToOne(() => VolunteerGroup, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<VolunteerGroup>;

  /** Where the household lives: a residential group, commune or special zone valid on the day of the visit. */
  @Column({ type: 'uuid' })
  unitId: string;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<AdminUnit>;

  @Column({ type: 'uuid' })
  householdId: string;

  @ManyToOne(() => Household, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'household_id' })
  household?: Relation<Household>;

  @Column({ type: 'jsonb' })
  services: ServiceOutcome[];

  /** Members who helped. */
  @Column({ type: 'uuid', array: true })
  volunteerIds: string[];

  /** The training session this help happened at, if any. */
  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  @ManyToOne(() => TrainingSession, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<TrainingSession>;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  /** The day of the visit in Asia/Ho_Chi_Minh. */
  @Column({ type: 'date' })
  occurredOn: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'text', default: EntryStatus.Valid })
  status: EntryStatus;

  @Column({ type: 'text', nullable: true })
  voidReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  verifiedBy: string | null;

  /** 1 when written; each amendment adds one. */
  @Column({ type: 'int', default: 1 })
  version: number;

  /** The account that sent it. */
  @Column({ type: 'uuid', nullable: true })
  submittedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
