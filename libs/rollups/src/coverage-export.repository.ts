import { sql } from 'kysely';
import { DataScope } from '@cdtg/access';
import { affected, Executor, first } from '@cdtg/database';
import { db } from './db';
import { ReportFile } from './report-file';

/** Stores the made file of a queued export (a job run twice finds it made and changes nothing). */
export async function markExportReady(on: Executor, id: string, file: ReportFile, rows: number): Promise<void> {
  await affected(
    on,
    db
      .updateTable('coverage_export')
      .set({ status: 'ready', filename: file.filename, content_type: file.contentType, content: file.content, rows, ready_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', 'queued'),
  );
}

/** Fails a queued export whose question became invalid. */
export async function markExportFailed(on: Executor, id: string, failure: string): Promise<void> {
  await affected(on, db.updateTable('coverage_export').set({ status: 'failed', failure }).where('id', '=', id).where('status', '=', 'queued'));
}

/** A ready export's file, with who asked for it and the scope it was made in. */
export function readyExport(on: Executor, id: string) {
  return first(
    on,
    db
      .selectFrom('coverage_export')
      .select(['requested_by', 'scope', 'filename', 'content_type', 'content'])
      .where('id', '=', id)
      .where('status', '=', 'ready')
      .$narrowType<{ scope: DataScope; filename: string; content_type: string; content: Buffer }>(),
  );
}
