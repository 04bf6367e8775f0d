/// <reference lib="dom" />
/**
 * What every browser test needs: Debian's Chromium (headless, driven by playwright-core), signing in to the console as
 * a user, the scan for the server's English on screen, and screenshots for docs/screenshots/ (CDTG_SCREENSHOTS=1).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestUser } from './users';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(__dirname, '../..');
const SHOTS = process.env.CDTG_SCREENSHOTS === '1' ? join(ROOT, 'docs/screenshots') : null;

/** Chromium, once the console is built (npm test builds it in pretest). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`);
  if (!existsSync(join(ROOT, 'dist/web/index.html'))) throw new Error('The web console is not built: run `npm run build` (npm test does it in pretest)');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
}

/**
 * The console as the tests use it: sign in as a user, collecting every text the server wrote in English for a person
 * (error messages, the messages of field and row problems) as the browser received it, and every uncaught error of
 * a page; none of those texts may be on a screen (the console shows its own vi/en text of each reason).
 */
export class ConsoleDriver {
  readonly serverTexts = new Set<string>();
  readonly pageErrors: string[] = [];
  private readonly watched = new WeakSet<BrowserContext>();

  constructor(private readonly url: () => string) {}

  async signIn(context: BrowserContext, user: TestUser, landing: string): Promise<Page> {
    this.watch(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => this.pageErrors.push(`${user.email}: ${error.message}`));
    await page.goto(`${this.url()}/`);
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Mật khẩu').fill(user.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${this.url()}${landing}`);
    return page;
  }

  /** The server's English texts shown on the page (expected: none). */
  async serverTextShown(page: Page): Promise<string[]> {
    const shown = await page.evaluate(() => document.body.innerText);
    return [...this.serverTexts].filter((text) => shown.includes(text));
  }

  /** Closes the context after checking that no page of it shows English from the server. */
  async closeChecked(context: BrowserContext): Promise<void> {
    for (const page of context.pages()) expect(await this.serverTextShown(page)).toEqual([]);
    await context.close();
  }

  private watch(context: BrowserContext): void {
    if (this.watched.has(context)) return;
    this.watched.add(context);
    context.on('response', (response) => {
      if (response.url().endsWith('/graphql'))
        response.json().then(
          (body: unknown) => this.collect(body),
          () => undefined,
        );
    });
  }

  private collect(value: unknown): void {
    if (Array.isArray(value)) value.forEach((v) => this.collect(v));
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'message' && typeof v === 'string' && v.length > 3) this.serverTexts.add(v);
        else this.collect(v);
      }
    }
  }
}

/** Writes a screenshot to docs/screenshots/ when CDTG_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name), fullPage });
}
