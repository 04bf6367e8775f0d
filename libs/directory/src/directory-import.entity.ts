import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DataScope } from '@cdtg/access';

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

  @Column({ type: 'jsonb', default: () => `'[]'` })
  errors: { line: number; field?: string; message: string }[];

  /** Why the whole file was refused (unreadable, missing columns). */
  @Column({ type: 'text', nullable: true })
  failure: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
