import 'reflect-metadata';
import { createDataSource } from '@cdtg/database';
import { loadDemoActivity, loadDemoCity, seedDemoSessions, seedNational } from '@cdtg/demo';
import { configOrExit, fail, requireDatabase, resolveDevelopmentServices } from '../bootstrap';
import { DATA_MODEL } from '../data-model';
import { runMigrations } from '../migrate';

const SCALES = ['national', 'city', 'tiny'] as const;
type Scale = (typeof SCALES)[number];

/**
 * npm run seed -- [--scale national|city|tiny] [--seed <n>]
 * Migrates, then loads synthetic data: `city` = the Đà Nẵng demo (real units, synthetic people), `national` = a
 * synthetic 34-province tree (~67k units, ~75k groups, ~350k members) for benchmarks, `tiny` = the same shape in
 * miniature. Idempotent. Uses DATABASE_URL, or the embedded development database when it is unset.
 */
async function main(): Promise<void> {
  const { scale, seed } = parseArgs(process.argv.slice(2));
  const { config, stop } = await resolveDevelopmentServices(configOrExit());
  const url = await requireDatabase(config, 'set DATABASE_URL');
  const started = Date.now();
  try {
    const applied = await runMigrations(url);
    if (applied.length) process.stdout.write(`applied: ${applied.join(', ')}\n`);
    const dataSource = await createDataSource(url, DATA_MODEL, 2).initialize();
    try {
      process.stdout.write(`seeding scale ${scale}…\n`);
      const report = scale === 'city' ? await loadDemoCity(dataSource, { seed }) : await seedNational(dataSource, { scale, seed });
      if (report.skipped) {
        process.stdout.write(`already seeded: nothing written (${scale})\n`);
      } else {
        process.stdout.write(`units: ${report.units}\ngroups: ${report.groups}\nmembers: ${report.members}\n`);
      }
      if (scale === 'city') {
        const sessions = await seedDemoSessions(dataSource);
        const activity = await loadDemoActivity(dataSource, { seed });
        process.stdout.write(`sessions: ${sessions}\nassistance entries: ${activity.entries} (households: ${activity.households}, ${activity.ms} ms)\n`);
      }
    } finally {
      await dataSource.destroy();
    }
    process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await stop();
  }
}

function parseArgs(args: string[]): { scale: Scale; seed?: number } {
  let scale: Scale = 'city';
  let seed: number | undefined;
  const usage = 'usage: seed.js [--scale national|city|tiny] [--seed <integer>]';
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    const value = inline ?? args[++i];
    if (flag === '--scale') {
      if (!SCALES.includes(value as Scale)) fail(usage);
      scale = value as Scale;
    } else if (flag === '--seed') {
      if (!/^\d+$/.test(value ?? '')) fail(usage);
      seed = Number(value);
    } else {
      fail(usage);
    }
  }
  return { scale, seed };
}

main().catch((error: Error) => fail(error.message));
