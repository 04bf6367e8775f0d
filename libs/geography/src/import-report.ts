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

/**
 * The well-formed rows of an import placed on their units, as every unit-keyed import does it: a row whose unit was
 * not found (in force on its day), is of a kind the import does not take, or lies outside the importer's scope is
 * reported in `errors`; of two rows with one key, the last line wins. Returns the rows to write.
 */
export async function placeImportRows<R extends { line: number; code: string }>(
  rows: R[],
  errors: RowProblem[],
  rule: {
    /** The unit found for the row at this index, if any. */
    unitOf(index: number): { id: string; kind: string } | undefined;
    kinds: readonly string[];
    /** The day the unit was looked up on (said when none was in force). */
    dayOf(row: R): string;
    /** Whether each unit lies in the importer's scope. */
    inScope(unitIds: string[]): Promise<boolean[]>;
    /** What makes two rows the same: the later one wins. */
    keyOf(row: R & { unitId: string }): string;
  },
): Promise<(R & { unitId: string })[]> {
  const placed = rows.flatMap((row, i) => {
    const unit = rule.unitOf(i);
    if (!unit) errors.push(rowProblem(row.line, 'unit_code', Reason.UnitNotInForce, { day: rule.dayOf(row), code: row.code }));
    else if (!rule.kinds.includes(unit.kind)) errors.push(rowProblem(row.line, 'unit_code', Reason.UnitWrongKind, { kinds: [...rule.kinds] }));
    else return [{ ...row, unitId: unit.id }];
    return [];
  });
  const inScope = await rule.inScope(placed.map((r) => r.unitId));
  const latest = new Map<string, R & { unitId: string }>();
  placed.forEach((row, i) => {
    if (!inScope[i]) errors.push(rowProblem(row.line, 'unit_code', Reason.OutsideYourArea));
    else latest.set(rule.keyOf(row), row);
  });
  return [...latest.values()];
}
