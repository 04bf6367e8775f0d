import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Reason, ReasonParams, reasonText } from '@cdtg/errors';

export interface CsvTable {
  header: string[];
  /** Each row keyed by header, with its 1-based line number in the file (the header is line 1). */
  rows: { line: number; values: Record<string, string> }[];
}

/** A file refused as a whole: why (a reason and its parameters, for clients to translate) and the English message. */
export class CsvFormatError extends Error {
  constructor(
    readonly reason: Reason,
    readonly params: ReasonParams = {},
    message = reasonText(reason, params),
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}

/**
 * Reads a CSV as people produce it: UTF-8 with or without BOM, comma or the semicolon that Excel writes in
 * Vietnamese locales (detected from the header line), quoted fields, CRLF. Rejects text that is not UTF-8.
 */
export function readCsv(input: string | Buffer, options: { maxRows?: number } = {}): CsvTable {
  let text: string;
  if (Buffer.isBuffer(input)) {
    text = new TextDecoder('utf-8', { fatal: false }).decode(input);
    if (text.includes('\uFFFD')) throw new CsvFormatError(Reason.CsvNotUtf8);
  } else {
    text = input;
  }
  text = text.replace(/^\uFEFF/, '');
  // U+FFFD: a file in another encoding read as UTF-8 on the way here; NUL: UTF-16 (Excel's "Unicode text").
  if (text.includes('\uFFFD') || text.includes('\u0000')) throw new CsvFormatError(Reason.CsvNotUtf8);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as string[][];
  } catch (error) {
    throw new CsvFormatError(Reason.CsvUnreadable, {}, `the CSV cannot be read: ${(error as Error).message}`);
  }
  if (records.length === 0) throw new CsvFormatError(Reason.CsvEmpty);
  const header = records[0].map((h) => h.trim().toLowerCase());
  const max = options.maxRows ?? 200_000;
  if (records.length - 1 > max) throw new CsvFormatError(Reason.CsvTooManyRows, { rows: records.length - 1, max });
  // csv-parse's `info` would give exact lines for multi-line fields; rows are numbered by record here (header = 1).
  const rows = records.slice(1).map((record, i) => ({
    line: i + 2,
    values: Object.fromEntries(header.map((h, j) => [h, (record[j] ?? '').trim()])),
  }));
  return { header, rows };
}

/** Neutralises spreadsheet formulas (=, +, -, @, tab, CR at the start of a cell) in exported text. */
export function safeCell(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = value === null || value === undefined ? '' : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Writes a CSV (UTF-8 with BOM so Excel shows Vietnamese correctly), every cell neutralised. */
export function writeCsv(header: string[], rows: unknown[][]): string {
  return '\uFEFF' + stringify([header, ...rows.map((r) => r.map(safeCell))]);
}
