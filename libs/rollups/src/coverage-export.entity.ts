import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DataScope } from '@cdtg/access';
import { type CoverageQuery, ExportFormat } from './coverage-query';

export enum ExportStatus {
  Queued = 'queued',
  Ready = 'ready',
  Failed = 'failed',
}

/** A coverage table asked for as a file: made by a job, kept a week, downloaded through a signed, expiring link. */
@Entity('coverage_export')
@Index('coverage_export_created_idx', ['createdAt'])
export class CoverageExport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  requestedBy: string | null;

  /** The requester's scope when asking: the job answers within it. */
  @Column({ type: 'jsonb' })
  scope: DataScope;

  @Column({ type: 'jsonb' })
  query: CoverageQuery;

  @Column({ type: 'text' })
  format: ExportFormat;

  /** Headers in the requester's language. */
  @Column({ type: 'text' })
  language: string;

  @Column({ type: 'text', default: ExportStatus.Queued })
  status: ExportStatus;

  @Column({ type: 'text', nullable: true })
  filename: string | null;

  @Column({ type: 'text', nullable: true })
  contentType: string | null;

  @Column({ type: 'bytea', nullable: true, select: false })
  content: Buffer | null;

  @Column({ type: 'int', nullable: true })
  rows: number | null;

  @Column({ type: 'text', nullable: true })
  failure: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readyAt: Date | null;
}
