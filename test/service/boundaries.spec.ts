import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The module boundaries in .dependency-cruiser.cjs (run by `npm run lint`) catch what they are meant to: the fixture in
 * test/fixtures/boundaries breaks them on purpose (an upward import, a two-file cycle, a path into another lib's files),
 * and the real tree breaks none. No database is needed.
 */
const root = resolve(__dirname, '../..');
const depcruise = resolve(root, 'node_modules/.bin/depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

function cruise(cwd: string, args: string[]): { violations: Violation[] } {
  const run = spawnSync(depcruise, [...args, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return { violations: result.summary.violations };
}

describe('module boundaries (dependency-cruiser)', () => {
  it('reports an upward import, a cycle and a path into another lib in the fixture', () => {
    const fixture = resolve(root, 'test/fixtures/boundaries');
    const { violations } = cruise(fixture, ['libs', '--config', '.dependency-cruiser.cjs']);
    const found = violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual([
      'layer-time: libs/time/src/index.ts -> libs/rollups/src/index.ts',
      'lib-through-its-index: libs/directory/src/index.ts -> libs/geography/src/internal.ts',
      'no-circular: libs/text/src/a.ts -> libs/text/src/b.ts',
    ]);
    // The reporter `npm run lint` uses exits non-zero on them (the json one above always exits 0).
    const lint = spawnSync(depcruise, ['libs', '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long'], { cwd: fixture, encoding: 'utf8' });
    expect(lint.status).toBe(3);
  }, 60_000);

  it('finds no violation in apps and libs', () => {
    const { violations } = cruise(root, ['apps', 'libs', '--config', '.dependency-cruiser.cjs']);
    expect(violations).toEqual([]);
  }, 60_000);
});
