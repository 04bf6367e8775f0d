import { eventually, TestApp } from './app';

const IMPORT = `mutation($kind: DirectoryImportKind!, $csv: String!) { importDirectoryCsv(input: { kind: $kind, csv: $csv }) { id status } }`;
const PROGRESS = `query($id: UUID!) { directoryImport(id: $id) { status totalRows processedRows created updated unchanged failure failureReason failureParams errors { line field message reason params } } }`;

export type ImportProgress = {
  status: string;
  totalRows: number;
  processedRows: number;
  created: number;
  updated: number;
  unchanged: number;
  failure: string | null;
  failureReason: string | null;
  failureParams: Record<string, unknown> | null;
  errors: { line: number; field: string; message: string; reason: string; params: Record<string, unknown> | null }[];
};

/** Starts a directory CSV import as the test administrator and waits until it has completed or failed. */
export async function runDirectoryImport(t: TestApp, kind: 'GROUPS' | 'MEMBERS', csv: string): Promise<ImportProgress> {
  const started = await t.gql<{ importDirectoryCsv: { id: string } }>(IMPORT, { kind, csv });
  if (started.errors) throw new Error(`importDirectoryCsv refused: ${JSON.stringify(started.errors)}`);
  const id = started.data!.importDirectoryCsv.id;
  return eventually(
    async () => {
      const p = (await t.gql<{ directoryImport: ImportProgress }>(PROGRESS, { id })).data!.directoryImport;
      return (p.status === 'COMPLETED' || p.status === 'FAILED') && p;
    },
    30_000,
    100,
  );
}
