import type { TestApp } from '../support/app';

const HEADER = 'code,name,kind,type,parent_code,valid_from,valid_to\n';
const IMPORT = `mutation($csv: String!) { importUnits(input: { csv: $csv }) { created } }`;

/**
 * Malformed CSV files through a CSV import (units): wrong encodings, broken quotes and a file of `rows` rows are
 * refused with a clear error (BAD_USER_INPUT) or, past the request size limit, HTTP 413; never a 500. Formula
 * injection stored in a name comes back neutralised (prefixed with ') in the export.
 */
export async function csvAttacks(t: TestApp, rows: number): Promise<void> {
  const vietnamese = `${HEADER}99,Tỉnh Kiểm Thử,province,Tỉnh,,2025-07-01,\n`;
  const cases: [string, string][] = [
    ['latin1 read as UTF-8', Buffer.from(Buffer.from(vietnamese, 'latin1')).toString('utf8')],
    ['UTF-16', Buffer.from(vietnamese, 'utf16le').toString('latin1')],
    ['broken quotes', `${HEADER}99,"Tỉnh Kiểm Thử,province,Tỉnh,,2025-07-01,\n`],
    [`${rows} rows`, HEADER + '99,x,province,Tỉnh,,2025-07-01,\n'.repeat(rows)],
  ];
  for (const [name, csv] of cases) {
    const res = await t.gql(IMPORT, { csv });
    const answer = `${name}: HTTP ${res.status} ${JSON.stringify(res.errors ?? res.data).slice(0, 300)}`;
    expect([answer, res.status < 500]).toEqual([answer, true]);
    if (res.status === 413) continue; // bounded: refused before parsing
    expect([answer, res.errors?.[0]?.extensions?.code]).toEqual([answer, 'BAD_USER_INPUT']);
  }
  expect((await t.db.query(`SELECT 1 FROM admin_unit WHERE code = '99'`)).length).toBe(0);

  const formula = `=cmd|' /C calc'!A0`;
  const imported = await t.gql<{ importUnits: { created: number } }>(IMPORT, { csv: `${HEADER}99,"${formula}",province,Tỉnh,,2025-07-01,\n` });
  if (imported.data?.importUnits.created === 1) {
    const exported = await t.gql<{ exportUnitsCsv: string }>(`{ exportUnitsCsv }`);
    const line = exported.data!.exportUnitsCsv.split('\n').find((l) => l.startsWith('99,'))!;
    expect(line).toContain(`'${formula}`);
  }
  // Whatever is stored, no exported cell starts a formula.
  const all = (await t.gql<{ exportUnitsCsv: string }>(`{ exportUnitsCsv }`)).data!.exportUnitsCsv;
  for (const cell of all.split(/[\n,]/)) expect(/^"?[=+@\t\r]/.test(cell) ? cell : '').toBe('');
}
