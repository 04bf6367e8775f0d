import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DataScope } from '@cdtg/access';
import type { Reason, ReasonParams } from '@cdtg/errors';
import type { RowProblem } from '@cdtg/geography';

export enum DirectoryImportKind {
  Groups = 'groups',
  Members = 'members',
}

export enum DirectoryImportStatus {
  Queued = 'queued',
  Running = 'running',
  Completed = 'completed',
  Failed = 'failed',
}

/** A CSV import of groups or members: the file, its progress, and a report of every bad row. */
@Entity('directory_import')
export class DirectoryImport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: DirectoryImportKind;

  @Column({ type: 'text', default: DirectoryImportStatus.Queued })
  status: DirectoryImportStatus;

  @Column({ type: 'text' })
  csv: string;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text' })
  actorLabel: string;

  /** Where the importing user may manage the directory: rows outside it are refused. Null for the system. */
  @Column({ type: 'jsonb', nullable: true })
  scope: DataScope | null;

  @Column({ type: 'int', default: 0 })
  totalRows: number;

  /** Rows handled so far; work resumes from here after a crash. */
  @Column({ type: 'int', default: 0 })
  processedRows: number;

  @Column({ type: 'int', default: 0 })
  created: number;

  @Column({ type: 'int', default: 0 })
  updated: number;

  @Column({ type: 'int', default: 0 })
  unchanged: number;

  /** Every problem of every refused row, each with its reason and parameters. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  errors: RowProblem[];

  /** Why the whole file was refused (unreadable, missing columns), in English. */
  @Column({ type: 'text', nullable: true })
  failure: string | null;

  /** The same, for clients to translate (`failure` alone is English). */
  @Column({ type: 'text', nullable: true })
  failureReason: Reason | null;

  @Column({ type: 'jsonb', nullable: true })
  failureParams: ReasonParams | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
