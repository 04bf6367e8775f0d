import { Reason, ReasonParams, reasonText } from '@cdtg/errors';

/**
 * The outcome of a CSV import: good rows are applied, each bad row is reported with its line and reason (`reason` and
 * `params` for clients to translate, `message` its English text).
 */
export interface RowProblem {
  line: number;
  field?: string;
  message: string;
  reason?: Reason;
  params?: ReasonParams;
}

/** A row problem with its English message made from the reason. */
export function rowProblem(line: number, field: string | undefined, reason: Reason, params?: ReasonParams): RowProblem {
  return { line, ...(field === undefined ? {} : { field }), message: reasonText(reason, params), reason, ...(params ? { params } : {}) };
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowProblem[];
}

export const emptyReport = (): ImportReport => ({ created: 0, updated: 0, unchanged: 0, errors: [] });
