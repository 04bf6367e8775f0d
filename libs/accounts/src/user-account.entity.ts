import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Member } from '@cdtg/directory';
import { Language } from '@cdtg/notifications';

export enum AccountStatus {
  /** Invited; no password yet. */
  Invited = 'invited',
  Active = 'active',
  Disabled = 'disabled',
}

/** A person who signs in. The e-mail is stored lower-cased and unique. */
@Entity('user_account')
@Index('user_account_email_unique', ['email'], { unique: true })
@Index('user_account_member_unique', ['memberId'], { unique: true, where: 'member_id IS NOT NULL' })
export class UserAccount {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  displayName: string;

  /** Folded display name and e-mail, for search that ignores diacritics. */
  @Column({ type: 'text' })
  nameSearch: string;

  /** argon2id (PHC string); null until the invitation is accepted or when only sign-in links are used. */
  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'text', default: Language.vi })
  language: Language;

  @Column({ type: 'text', default: AccountStatus.Invited })
  status: AccountStatus;

  /** The directory member this account belongs to (volunteers and group leads), if any. */
  @Column({ type: 'uuid', nullable: true })
  memberId: string | null;

  @ManyToOne(() => Member, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'member_id' })
  member?: Member;

  /** Who sent the pending invitation: they may send it again; anyone else must manage every grant the invitee holds. */
  @Column({ type: 'uuid', nullable: true })
  invitedBy: string | null;

  @ManyToOne(() => UserAccount, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'invited_by' })
  inviter?: UserAccount;

  @Column({ type: 'timestamptz', nullable: true })
  lastSignInAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
