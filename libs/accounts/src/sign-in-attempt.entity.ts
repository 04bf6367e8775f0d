import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum AttemptKind {
  Password = 'password',
  Token = 'token',
  LinkRequest = 'link_request',
  ResetRequest = 'reset_request',
}

/** Sign-in attempts and e-mail link requests, for rate limits (per account and per address) and the security record. */
@Entity('sign_in_attempt')
@Index('sign_in_attempt_email_idx', ['email', 'at'])
@Index('sign_in_attempt_address_idx', ['address', 'at'])
export class SignInAttempt {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at: Date;

  /** Lower-cased e-mail that was tried (null for token attempts). */
  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text' })
  address: string;

  @Column({ type: 'text' })
  kind: AttemptKind;

  @Column({ type: 'boolean' })
  succeeded: boolean;
}
