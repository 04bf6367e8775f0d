import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One write: who, when, what, on which object, and the object before and after. Append-only. */
@Entity('audit_event')
@Index('audit_event_object_idx', ['objectType', 'objectId', 'at'])
@Index('audit_event_at_idx', ['at'])
@Index('audit_event_unit_idx', ['unitId', 'at'])
@Index('audit_event_group_idx', ['groupId', 'at'])
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;

  /** The account that acted, or null for the system (imports, seeds, jobs). */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  /** A readable name of the actor at the time ("system:import", an e-mail…). */
  @Column({ type: 'text' })
  actorLabel: string;

  /** e.g. "group.create", "member.move", "unit.import". */
  @Column({ type: 'text' })
  operation: string;

  @Column({ type: 'text' })
  objectType: string;

  @Column({ type: 'text' })
  objectId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  /** The unit the object belongs to (for scoped reading), when it has one. */
  @Column({ type: 'uuid', nullable: true })
  unitId: string | null;

  @Column({ type: 'uuid', nullable: true })
  groupId: string | null;
}
