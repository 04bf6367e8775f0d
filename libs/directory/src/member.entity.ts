import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Affiliation, Gender } from './directory.enums';

/** A volunteer. Active from `joinedOn` while `leftOn` is empty (directory-current.ts); the phone is unique among members who have not left. */
@Entity('member')
@Index('member_active_phone_unique', ['phone'], { unique: true, where: 'left_on IS NULL' })
@Index('member_name_trgm', { synchronize: false })
export class Member {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  fullName: string;

  @Column({ type: 'text' })
  nameSearch: string;

  /** E.164, e.g. +84912345678. */
  @Column({ type: 'text' })
  phone: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  gender: Gender | null;

  @Column({ type: 'int', nullable: true })
  birthYear: number | null;

  @Column({ type: 'text', default: Affiliation.Other })
  affiliation: Affiliation;

  /** Codes from the skill catalogue. */
  @Column({ type: 'text', array: true, default: () => `'{}'` })
  skills: string[];

  @Column({ type: 'date' })
  joinedOn: string;

  @Column({ type: 'date', nullable: true })
  leftOn: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
