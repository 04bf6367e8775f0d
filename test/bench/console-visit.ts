/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { BenchApp } from './bench-app';
import { Result } from './scenarios';
import { LinkShape, ShapedLink } from './shaped-link';
import { compare, fmt } from './stats';

/** The weak phone: 400 kbit/s each way, 400 ms round trip, a CPU four times slower than this machine's. */
export const WEAK_PHONE: LinkShape & { cpuSlowdown: number } = { bitsPerSecond: 400_000, rttMs: 400, cpuSlowdown: 4 };

interface Variant {
  name: string;
  /** The console as built and served by cdtg: precompressed assets and the service worker. */
  ours: boolean;
}

/**
 * 13: opening the web console on a weak phone, through a ShapedLink in front of the API (so that the service worker's
 * fetches are shaped too), with Chromium's CPU slowed down 4× (DevTools' CPU throttling). Measured: from the start of
 * the navigation until the sign-in form is usable (the e-mail field visible and the button enabled), on a first visit
 * (a new browser profile: nothing cached) and a repeat visit (the same profile, a new tab).
 *
 * The baseline is the same console as a plain single-page app is usually served: uncompressed (the browser asks for
 * `identity`) and without a service worker (the HTTP cache alone on a repeat visit). Each run alternates the two.
 */
export async function consoleVisitScenario(api: BenchApp, runs: number, log: (line: string) => void): Promise<Result[]> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const target = new URL(api.url);
  const link = await ShapedLink.open({ host: target.hostname, port: Number(target.port) }, WEAK_PHONE);
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
  const samples = { first: { ours: [] as number[], baseline: [] as number[] }, repeat: { ours: [] as number[], baseline: [] as number[] } };
  const bytes = { first: { ours: [] as number[], baseline: [] as number[] }, repeat: { ours: [] as number[], baseline: [] as number[] } };
  try {
    const variants: Variant[] = [
      { name: 'ours', ours: true },
      { name: 'baseline', ours: false },
    ];
    for (let run = 0; run < runs; run++) {
      for (const variant of run % 2 ? [...variants].reverse() : variants) {
        const key = variant.ours ? 'ours' : 'baseline';
        const context = await browser.newContext({
          viewport: { width: 360, height: 740 },
          isMobile: true,
          hasTouch: true,
          locale: 'vi-VN',
          serviceWorkers: variant.ours ? 'allow' : 'block',
          ...(variant.ours ? {} : { extraHTTPHeaders: { 'Accept-Encoding': 'identity' } }),
        });
        try {
          const first = await visit(context, link, variant);
          samples.first[key].push(first.ms);
          bytes.first[key].push(first.bytes);
          const repeat = await visit(context, link, variant);
          samples.repeat[key].push(repeat.ms);
          bytes.repeat[key].push(repeat.bytes);
        } finally {
          await context.close();
        }
      }
      log(`  run ${run + 1}/${runs}: first ${fmt(samples.first.ours.at(-1)!, 0)} ms (baseline ${fmt(samples.first.baseline.at(-1)!, 0)}), repeat ${fmt(samples.repeat.ours.at(-1)!, 0)} ms (baseline ${fmt(samples.repeat.baseline.at(-1)!, 0)})`);
    }
  } finally {
    await browser.close();
    await link.close();
  }
  const kib = (list: number[]) => fmt(list.reduce((a, b) => a + b, 0) / list.length / 1024, 0);
  const first = compare(samples.first.ours, samples.first.baseline);
  const repeat = compare(samples.repeat.ours, samples.repeat.baseline);
  const shape = `400 kbit/s, 400 ms RTT, 4× CPU slowdown`;
  return [
    {
      scenario: `13. console, first visit to a usable sign-in (${shape}) vs the same console uncompressed without a service worker`,
      unit: 'ms',
      ...first,
      target: '< 3,000 ms',
      met: first.ours.median < 3_000,
      note: `${kib(bytes.first.ours)} KiB down until usable (baseline ${kib(bytes.first.baseline)} KiB)`,
    },
    {
      scenario: `13b. console, repeat visit to a usable sign-in (${shape}) vs the HTTP cache alone`,
      unit: 'ms',
      ...repeat,
      target: '< 1,000 ms',
      met: repeat.ours.median < 1_000,
      note: `${kib(bytes.repeat.ours)} KiB down until usable (baseline ${kib(bytes.repeat.baseline)} KiB)`,
    },
  ];
}

/** Opens the console in a new tab of `context` and times it until the sign-in form can be used. */
async function visit(context: BrowserContext, link: ShapedLink, variant: Variant): Promise<{ ms: number; bytes: number }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: WEAK_PHONE.cpuSlowdown });
  const before = link.counters.down;
  const started = performance.now();
  await page.goto(`${link.url}/`, { waitUntil: 'commit' });
  await page.getByLabel('E-mail').waitFor({ state: 'visible' });
  await page.getByRole('button', { name: 'Đăng nhập' }).and(page.locator(':enabled')).waitFor();
  const ms = performance.now() - started;
  const bytes = link.counters.down - before;
  if (!variant.ours) {
    // The baseline must really be uncompressed: the browser asked for identity.
    const encoded = await page.evaluate(() => performance.getEntriesByType('resource').some((r) => (r as PerformanceResourceTiming).encodedBodySize < (r as PerformanceResourceTiming).decodedBodySize));
    if (encoded) throw new Error('the baseline received compressed assets: Accept-Encoding: identity was not honoured');
  }
  // The service worker installs after the page is usable; the repeat visit comes once it has the console.
  if (variant.ours) await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.close();
  return { ms, bytes };
}
