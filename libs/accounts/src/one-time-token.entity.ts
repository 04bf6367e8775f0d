import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserAccount } from './user-account.entity';

export enum TokenPurpose {
  Invitation = 'invitation',
  SignInLink = 'sign_in_link',
  PasswordReset = 'password_reset',
}

/** A single-use, expiring token sent by e-mail. Stored as its SHA-256; the clear token only exists in the e-mail. */
@Entity('one_time_token')
@Index('one_time_token_hash_unique', ['tokenHash'], { unique: true })
@Index('one_time_token_user_idx', ['userId', 'purpose'])
export class OneTimeToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => UserAccount, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserAccount;

  @Column({ type: 'text' })
  purpose: TokenPurpose;

  @Column({ type: 'text' })
  tokenHash: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
