import { Injectable, Logger } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { DataScope, SignedLinks } from '@cdtg/access';
import { DomainError } from '@cdtg/errors';
import { Clock } from '@cdtg/time';
import { Language } from '@cdtg/notifications';
import { JobName, OutboxService } from '@cdtg/queue';
import { CoverageExport, ExportStatus } from './coverage-export.entity';
import { markExportFailed, markExportReady, readyExport } from './coverage-export.repository';
import { CoverageQuery, ExportFormat } from './coverage-query';
import { CoverageService } from './coverage.service';
import { coverageFile, ReportFile } from './report-file';

/** How long a download link works. */
export const DOWNLOAD_LINK_SECONDS = 3600;
/** How long a made file is kept. */
const KEEP_DAYS = 7;

/**
 * Coverage tables as files. Asking checks the question at once (dates, unit, scope, size) and queues a job; the job
 * computes the table within the asker's scope as it was when they asked, writes CSV or XLSX and keeps the file in the
 * database (any API instance can serve it). The file is downloaded through a signed link that expires.
 */
@Injectable()
export class CoverageExportService {
  private readonly logger = new Logger(CoverageExportService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly coverage: CoverageService,
    private readonly outbox: OutboxService,
    private readonly links: SignedLinks,
    private readonly clock: Clock,
  ) {}

  async request(userId: string | null, scope: DataScope, query: CoverageQuery, format: ExportFormat, language: Language): Promise<CoverageExport> {
    await this.coverage.plan(scope, query);
    return this.dataSource.transaction(async (manager) => {
      const row = manager.getRepository(CoverageExport).create({ requestedBy: userId, scope, query, format, language, status: ExportStatus.Queued });
      await manager.getRepository(CoverageExport).insert(row);
      await this.outbox.enqueue(manager, JobName.CoverageExport, { exportId: row.id }, { jobKey: row.id, aggregate: `export:${row.id}` });
      return row;
    });
  }

  async find(id: string): Promise<CoverageExport> {
    const row = await this.dataSource.getRepository(CoverageExport).findOneBy({ id });
    if (!row) throw DomainError.notFound('Export');
    return row;
  }

  ownerOf(id: string): Promise<string | null> {
    return this.dataSource
      .getRepository(CoverageExport)
      .findOneBy({ id })
      .then((r) => r?.requestedBy ?? null);
  }

  /** The job: makes the file once (a job run twice finds it made). A question that became invalid fails the export, not the job. */
  async run(id: string): Promise<void> {
    const row = await this.dataSource.getRepository(CoverageExport).findOneBy({ id });
    if (!row || row.status !== ExportStatus.Queued) return;
    try {
      const report = await this.coverage.coverage(row.scope, row.query);
      const file = await coverageFile(report, row.format, row.language as Language);
      await markExportReady(this.dataSource, id, file, report.rows.length);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await markExportFailed(this.dataSource, id, error.message);
    }
  }

  /** A link to download a ready export, valid for an hour. */
  downloadUrl(row: CoverageExport, now = this.clock.now().getTime()): { url: string; expiresAt: Date } | null {
    if (row.status !== ExportStatus.Ready) return null;
    const expires = Math.floor(now / 1000) + DOWNLOAD_LINK_SECONDS;
    return { url: this.links.exportDownloadUrl(row.id, expires), expiresAt: new Date(expires * 1000) };
  }

  /** The file behind a signed link; null for a wrong signature, an expired link or an unknown export (the same answer). */
  /**
   * The file behind a signed link, while the link has not expired and its owner may still read it: `ownerMayRead`
   * is asked on every use with the owner and the scope the file was made in (a disabled owner, or one who lost the
   * grants it was made under, gets nothing).
   */
  async download(
    id: string,
    expires: string,
    signature: string,
    ownerMayRead: (ownerId: string, madeIn: DataScope) => Promise<boolean>,
  ): Promise<ReportFile | null> {
    const seconds = Number(expires);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) || !Number.isInteger(seconds) || seconds * 1000 < this.clock.now().getTime())
      return null;
    if (!this.links.verify('export-download', `${id}.${seconds}`, signature)) return null;
    const row = await readyExport(this.dataSource, id);
    if (!row?.requested_by || !(await ownerMayRead(row.requested_by, row.scope))) return null;
    return { filename: row.filename, contentType: row.content_type, content: row.content };
  }

  /** Drops exports older than a week (the nightly check calls it). */
  async purge(): Promise<number> {
    const result = await this.dataSource
      .getRepository(CoverageExport)
      .delete({ createdAt: LessThan(new Date(this.clock.now().getTime() - KEEP_DAYS * 86_400_000)) });
    if (result.affected) this.logger.log(`Dropped ${result.affected} old export(s)`);
    return result.affected ?? 0;
  }
}
