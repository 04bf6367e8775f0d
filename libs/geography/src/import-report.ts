import { Reason, ReasonParams, reasonText } from '@cdtg/errors';

/**
 * The outcome of a CSV import: good rows are applied, each bad row is reported with its line and reason. `reason` and
 * `params` say why for clients to translate; `message` is the reason's English text.
 */
export interface RowProblem {
  line: number;
  field?: string;
  message: string;
  reason?: Reason;
  params?: ReasonParams;
}

/** A bad row: its line, the column at fault and why (the message made from the reason). */
export function rowProblem(line: number, field: string | undefined, reason: Reason, params?: ReasonParams): RowProblem {
  return { line, ...(field ? { field } : {}), reason, ...(params ? { params } : {}), message: reasonText(reason, params) };
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowProblem[];
}

export const emptyReport = (): ImportReport => ({ created: 0, updated: 0, unchanged: 0, errors: [] });
