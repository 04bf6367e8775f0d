import { DataSource } from 'typeorm';
import { insertDemoTargets } from '@cdtg/rollups';
import { systemClock } from '@cdtg/time';

/**
 * Targets (chỉ tiêu) for the demo city, so the department's dashboard shows progress and "chậm tiến độ" out of the box:
 * for every commune of Đà Nẵng in force today, coverage 35 % for the year, VNeID level-2 coverage 15 % for the quarter
 * and 30 households reached this month. Once (nothing when demo targets exist). Returns the targets written.
 */
export async function seedDemoTargets(dataSource: DataSource, today = systemClock.today()): Promise<number> {
  const [y, m] = today.split('-').map(Number);
  const pad = (n: number) => String(n).padStart(2, '0');
  return insertDemoTargets(dataSource, '48', today, [
    { measure: 'coverage', grain: 'Y', periodStart: `${y}-01-01`, kind: 'percent', value: 35 },
    { measure: 'coverage_vneid_level2', grain: 'Q', periodStart: `${y}-${pad(Math.floor((m - 1) / 3) * 3 + 1)}-01`, kind: 'percent', value: 15 },
    { measure: 'households', grain: 'M', periodStart: `${y}-${pad(m)}-01`, kind: 'count', value: 30 },
  ]);
}
