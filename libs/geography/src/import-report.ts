/** The outcome of a CSV import: good rows are applied, each bad row is reported with its line and reason. */
export interface RowProblem {
  line: number;
  field?: string;
  message: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowProblem[];
}

export const emptyReport = (): ImportReport => ({ created: 0, updated: 0, unchanged: 0, errors: [] });
