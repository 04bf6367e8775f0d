import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The managed catalogue of skills (and, later, training topics). Seeded by migration; extendable by admins. */
@Entity('skill')
export class Skill {
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  nameVi: string;

  @Column({ type: 'text' })
  nameEn: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;
}
