import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COVERAGE_COLUMNS } from '@cdtg/rollups';

/**
 * One spelling between screen and export: the dashboard's column headers (the console's dictionary) are the export's
 * (the coverage columns of report-file.ts, from the measure registry), in both languages.
 */
describe('the dashboard and the export name the columns alike', () => {
  const source = readFileSync(join(__dirname, '../../apps/web/src/lib/i18n.tsx'), 'utf8');
  /** Each dictionary's text of a key, [vi, en] (the vi dictionary comes first in the file). */
  const texts = (key: string) => [...source.matchAll(new RegExp(`'${key.replace('.', '\\.')}': '([^']*)'`, 'g'))].map((m) => m[1]);
  const exportHeaders = (language: 'vi' | 'en') => COVERAGE_COLUMNS.map((c) => c.header[language]);

  it.each([
    ['dash.households', 'Số hộ'],
    ['dash.reached', 'Hộ được hỗ trợ trong kỳ'],
    ['dash.reachedToDate', 'Hộ được hỗ trợ lũy kế'],
    ['dash.coverage', 'Tỷ lệ bao phủ (%)'],
    ['dash.entries', 'Lượt hỗ trợ'],
    ['dash.sessions', 'Buổi tập huấn'],
    ['dash.volunteers', 'Tình nguyện viên hoạt động'],
    ['dash.followUps', 'Việc cần hỗ trợ lại đang mở'],
  ])('%s is the export’s header in Vietnamese and English', (key, vi) => {
    const [screenVi, screenEn] = texts(key);
    expect(screenVi).toBe(vi);
    expect(exportHeaders('vi')).toContain(screenVi);
    const column = COVERAGE_COLUMNS.find((c) => c.header.vi === screenVi)!;
    expect(screenEn).toBe(column.header.en);
  });
});
