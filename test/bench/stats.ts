/** Timing helpers of the benchmarks: warm-up, repeated runs, median and 95th percentile, intervals on ratios. */
export interface Timing {
  runs: number;
  median: number;
  p95: number;
  min: number;
}

/** The q-quantile of sorted samples, nearest rank (the median of an even count is the lower middle). */
const quantile = (sorted: number[], q: number) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))];

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { runs: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), min: sorted[0] };
}

export const median = (samples: number[]) => quantile([...samples].sort((a, b) => a - b), 0.5);

/** A small seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A confidence interval of median(numerator) ÷ median(denominator) by the paired bootstrap: the samples are paired by
 * round (the i-th of each was measured in the same round of interleaved runs, so they saw the same machine), rounds are
 * drawn with replacement `resamples` times, and the interval is the central `level` of the ratios so obtained
 * (percentile method). The PRNG has a fixed seed, so the same samples give the same interval.
 */
export function ratioInterval(numerator: number[], denominator: number[], options: { resamples?: number; level?: number; seed?: number } = {}): [number, number] {
  const { resamples = 4000, level = 0.95, seed = 0x2026 } = options;
  const n = Math.min(numerator.length, denominator.length);
  if (n === 0) return [NaN, NaN];
  const random = prng(seed);
  const ratios: number[] = [];
  const num: number[] = new Array<number>(n);
  const den: number[] = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * n);
      num[i] = numerator[k];
      den[i] = denominator[k];
    }
    ratios.push(median(num) / median(den));
  }
  ratios.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return [ratios[Math.floor(tail * resamples)], ratios[Math.ceil((1 - tail) * resamples) - 1]];
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
 * Runs every function of `work` the same number of times, interleaved in rounds (one run of each per round, the order
 * rotated from round to round), so all see the same machine state and none always runs right after another. Each is
 * first warmed up for at least `warmupMs` and a fifth of the runs, so that what is measured is a running server's
 * steady state (compiled code, planned statements, caches filled); a fresh process is the cold-start scenario's
 * business. Returns the samples (milliseconds) of each, in round order: the i-th samples of all were taken together.
 */
export async function measureRounds(work: (() => Promise<unknown>)[], runs: number, warmupMs = 2_000): Promise<number[][]> {
  for (const fn of work) {
    const warmUntil = Date.now() + warmupMs;
    for (let i = 0; i < Math.max(1, Math.ceil(runs / 5)) || Date.now() < warmUntil; i++) await fn();
  }
  const samples = work.map(() => [] as number[]);
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < work.length; k++) {
      const i = (round + k) % work.length;
      const started = process.hrtime.bigint();
      await work[i]();
      samples[i].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return samples;
}

/** Two sides compared: their timings, and how many times faster ours is (baseline ÷ ours, medians) with its interval. */
export interface Comparison {
  ours: Timing;
  baseline: Timing;
  ratio: number;
  /** The 95% paired-bootstrap interval of the ratio (ratioInterval). */
  ratioInterval: [number, number];
}

export function compare(ours: number[], baseline: number[]): Comparison {
  const o = summarise(ours);
  const b = summarise(baseline);
  return { ours: o, baseline: b, ratio: b.median / o.median, ratioInterval: ratioInterval(baseline, ours) };
}

/** `work` against `baseline`, the same number of runs each, interleaved (measureRounds). */
export async function measurePair(work: () => Promise<unknown>, baseline: () => Promise<unknown>, runs: number, warmupMs = 2_000): Promise<Comparison> {
  const [ours, base] = await measureRounds([work, baseline], runs, warmupMs);
  return compare(ours, base);
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
