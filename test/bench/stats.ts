/** Timing helpers of the benchmarks: warm-up, repeated runs, median and 95th percentile. */
export interface Timing {
  runs: number;
  median: number;
  p95: number;
  min: number;
}

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { runs: sorted.length, median: at(0.5), p95: at(0.95), min: sorted[0] };
}

/** Runs `work` `warmup` times unmeasured, then `runs` times measured (milliseconds). */
export async function measure(work: () => Promise<unknown>, runs: number, warmup = Math.max(1, Math.ceil(runs / 5))): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await work();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summarise(samples);
}

/**
 * Runs `work` and `baseline` interleaved (so both see the same machine state): `runs` times `work` and `baselineRuns`
 * times `baseline`, spread evenly, after a warm-up of each: `work` for at least `warmupMs` (and a fifth of the runs),
 * so that what is measured is a running server's steady state (compiled code, planned statements, caches filled);
 * a fresh process is the cold-start scenario's business.
 */
export async function measurePair(work: () => Promise<unknown>, baseline: () => Promise<unknown>, runs: number, baselineRuns = runs, warmupMs = 2_000): Promise<{ ours: Timing; baseline: Timing }> {
  const ours: number[] = [];
  const base: number[] = [];
  const timed = async (fn: () => Promise<unknown>, into: number[]) => {
    const started = process.hrtime.bigint();
    await fn();
    into.push(Number(process.hrtime.bigint() - started) / 1e6);
  };
  const warmUntil = Date.now() + warmupMs;
  for (let i = 0; i < Math.max(1, Math.ceil(runs / 5)) || Date.now() < warmUntil; i++) await work();
  await baseline();
  for (let i = 0; i < runs; i++) {
    await timed(work, ours);
    // The baseline's runs fall evenly among ours.
    if (Math.floor(((i + 1) * baselineRuns) / runs) > base.length) await timed(baseline, base);
  }
  return { ours: summarise(ours), baseline: summarise(base) };
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
