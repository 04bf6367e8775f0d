import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '@cdtg/access';
import { VolunteerGroup } from '@cdtg/directory';
import { AdminUnit } from '@cdtg/geography';
import { UserAccount } from './user-account.entity';

/**
 * A role bound to a scope: ADMIN to nothing (everything), DEPARTMENT and WARD_OFFICER to a unit (with its subtree),
 * GROUP_LEAD and VOLUNTEER to a group. Revoked grants stay for the record.
 */
@Entity('role_grant')
@Check(
  'role_grant_scope_check',
  `(role = 'ADMIN' AND unit_id IS NULL AND group_id IS NULL)
  OR (role IN ('DEPARTMENT', 'WARD_OFFICER') AND unit_id IS NOT NULL AND group_id IS NULL)
  OR (role IN ('GROUP_LEAD', 'VOLUNTEER') AND group_id IS NOT NULL AND unit_id IS NULL)`,
)
@Index('role_grant_user_idx', ['userId'], { where: 'revoked_at IS NULL' })
@Index('role_grant_unit_idx', ['unitId'], { where: 'revoked_at IS NULL' })
@Index('role_grant_group_idx', ['groupId'], { where: 'revoked_at IS NULL' })
@Index('role_grant_active_unique', { synchronize: false })
export class RoleGrant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserAccount, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserAccount;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'uuid', nullable: true })
  unitId: string | null;

  @ManyToOne(() => AdminUnit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'unit_id' })
  unit?: AdminUnit;

  @Column({ type: 'uuid', nullable: true })
  groupId: string | null;

  @ManyToOne(() => VolunteerGroup, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'group_id' })
  group?: VolunteerGroup;

  /** The user who granted it; null for the system (seeds, reorganisations). */
  @Column({ type: 'uuid', nullable: true })
  grantedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  revokedReason: string | null;
}
