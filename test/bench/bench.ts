import 'reflect-metadata';
import { runBench, table } from './harness';
import { Scale } from './generate';
import { soakTable } from './soak';

/**
 * npm run bench -- [--scale national|city|tiny] [--runs N] [--only coverage,statements,overhead,ingest,import,sync,console,freshness,check,load,soak,coldstart] [--database NAME] [--soak-minutes N]
 * Uses BENCH_DATABASE_URL (a server; default postgres://postgres@127.0.0.1:5432/postgres) and REDIS_URL (default
 * 127.0.0.1:6379). The database cdtg_bench_<scale> is created and filled once, then reused. --soak-minutes sets the
 * memory soak's length (30 min at national scale); BENCH_SOAK_NODE_ARGS adds node flags to its API and worker and
 * BENCH_SOAK_SNAPSHOTS=<dir> writes their heap snapshots after the warm-up and at the end (investigation).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    return i < 0 ? undefined : args[i].includes('=') ? args[i].split('=')[1] : args[i + 1];
  };
  const scale = (value('--scale') ?? 'national') as Scale;
  if (!['national', 'city', 'tiny'].includes(scale)) throw new Error('usage: bench [--scale national|city|tiny] [--runs N]');
  const runs = Number(value('--runs') ?? (scale === 'tiny' ? 3 : 30));
  const only = value('--only')?.split(',');
  const started = Date.now();
  const report = await runBench({
    scale,
    runs,
    only,
    serverUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    outDir: 'bench',
    database: value('--database'),
    soakMinutes: value('--soak-minutes') === undefined ? undefined : Number(value('--soak-minutes')),
    log: (line) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`),
  });
  if (report.soak) process.stdout.write(`\nmemory over the soak (MB; samples in bench/soak-${scale}.json):\n\n${soakTable(report.soak)}\n`);
  process.stdout.write(`\n${table(report)}\n\nscale ${scale}: ${report.generation.entries.toLocaleString('en-US')} entries, ${report.generation.units.toLocaleString('en-US')} units; whole run ${(report.seconds / 60).toFixed(1)} min\n`);
  process.exit(0);
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
