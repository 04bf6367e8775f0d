/** Seeded randomness for the generators: the same seed gives the same data. */
export type Random = () => number;
export type Weighted<T> = [T, number];

/** mulberry32: a tiny, fast 32-bit PRNG; floats in [0, 1). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [low, high]. */
export function between(random: Random, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

export function choose<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

export function pick<T>(random: Random, items: readonly Weighted<T>[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [item, weight] of items) if ((roll -= weight) < 0) return item;
  return items[items.length - 1][0];
}

/** A day in [from, to], both YYYY-MM-DD. */
export function dayBetween(random: Random, from: string, to: string): string {
  const start = Date.parse(`${from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / 86_400_000);
  return new Date(start + between(random, 0, days) * 86_400_000).toISOString().slice(0, 10);
}
