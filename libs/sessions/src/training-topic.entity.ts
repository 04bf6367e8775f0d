import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Skill } from '@cdtg/directory';

/**
 * The managed catalogue of training topics, seeded by migration (VNeID activation, public-service portal, online
 * payments, e-commerce, online safety, e-health records, digital literacy "Bình dân học vụ số").
 */
@Entity('training_topic')
export class TrainingTopic {
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  nameVi: string;

  @Column({ type: 'text' })
  nameEn: string;

  /** The member skill that qualifies someone to teach the topic: suggestions match topics to skills through it. */
  @Column({ type: 'text' })
  skillCode: string;

  @ManyToOne(() => Skill, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'skill_code', referencedColumnName: 'code' })
  skill?: Relation<Skill>;

  /** What counts as the topic's practical step, counted in attendance (e.g. "VNeID activated on the spot"). */
  @Column({ type: 'text' })
  practicalStepVi: string;

  @Column({ type: 'text' })
  practicalStepEn: string;

  @Column({ type: 'int' })
  sortOrder: number;

  @Column({ type: 'boolean', default: true })
  active: boolean;
}
