/// <reference lib="dom" />
/**
 * The officer's notice preferences and consent per member, in Chromium (playwright-core) against the real API:
 * record a consent with how it was given, withdraw it (the history stays), choose the preferred channel; in
 * Vietnamese and in English, with no English from the server on screen.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { eventually, startTestApp, TestApp } from '../support/app';
import { createUser, TestUser } from '../support/users';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(__dirname, '../..');

describe('officer: notice preferences and consent per member, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let officer: TestUser;
  let memberId: string;
  const name = 'Đỗ Thị Đồng Ý';
  const pageErrors: string[] = [];
  const serverTexts = new Set<string>();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it or set CHROMIUM_PATH`);
    if (!existsSync(join(ROOT, 'dist/web/index.html'))) throw new Error('The web console is not built: run `npm run build`');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    t = await startTestApp();
    await loadDemoCity(t.app.get(DataSource));
    const groups = await t.gql<{ groups: { edges: { node: { id: string } }[] } }>(
      `{ groups(first: 1, filter: { unitCode: "20242" }) { edges { node { id } } } }`,
    );
    const res = await t.gql<{ createMember: { id: string } }>(`mutation($input: CreateMemberInput!) { createMember(input: $input) { id } }`, {
      input: { groupId: groups.data!.groups.edges[0].node.id, fullName: name, phone: '0905 800 001', skills: [] },
    });
    expect(res.errors).toBeUndefined();
    memberId = res.data!.createMember.id;
    officer = await createUser(t, { email: 'phuong.thongbao@cdtg.test', role: Role.WardOfficer, unitCode: '20242', displayName: 'Cán bộ Hải Châu' });
  }, 120_000);

  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        if (k === 'message' && typeof v === 'string' && v.length > 3) serverTexts.add(v);
        else collect(v);
      }
  };
  const noServerEnglish = async (page: Page) => {
    const shown = await page.evaluate(() => document.body.innerText);
    expect([...serverTexts].filter((text) => shown.includes(text))).toEqual([]);
  };

  it('records a consent to Zalo with its source, withdraws it, keeps the history, and sets SMS first; then in English', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' });
    context.on('response', (r) => void (r.url().endsWith('/graphql') ? r.json().then(collect, () => undefined) : undefined));
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${t.url}/`);
    await page.getByLabel('E-mail').fill(officer.email);
    await page.getByLabel('Mật khẩu').fill(officer.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${t.url}/officer`);
    await page.getByLabel('Thành viên: Tìm kiếm').fill(name);
    await page.getByRole('button', { name: `Thông báo: ${name}` }).click();
    const panel = page.getByRole('region', { name: `Thông báo và sự đồng ý của ${name}` });
    await panel.waitFor();
    const zalo = panel.locator('tr[data-channel=ZALO_ZNS]');
    await expect(zalo.textContent()).resolves.toContain('Chưa đồng ý');
    await expect(panel.locator('tr[data-channel=EMAIL]').textContent()).resolves.toContain('Theo địa chỉ thành viên đã cung cấp');

    await panel.getByLabel('Cách ghi nhận').selectOption({ label: 'Qua điện thoại' });
    await zalo.getByRole('button', { name: 'Ghi nhận đồng ý' }).click();
    await panel.getByText('Đã ghi nhận sự đồng ý.').waitFor();
    await zalo.getByText('Đã đồng ý').waitFor();
    await expect(zalo.textContent()).resolves.toContain(`Qua điện thoại · ${officer.email}`);

    await zalo.getByRole('button', { name: 'Rút đồng ý' }).click();
    await panel.getByText('Đã ghi nhận việc rút đồng ý.').waitFor();
    await zalo.getByText('Đã rút').waitFor();
    await eventually(async () => (await panel.getByRole('list', { name: 'Lịch sử đồng ý' }).locator('li').count()) === 2);

    await panel.getByLabel('Kênh ưu tiên').selectOption({ label: 'Tin nhắn SMS' });
    await panel.getByText('Đã lưu.').waitFor();
    const rows = await t.db.query<{ channel: string; granted: boolean; source: string; recorded_by_label: string }>(
      `SELECT channel, granted, source, recorded_by_label FROM notice_consent WHERE member_id = $1 ORDER BY created_at`,
      [memberId],
    );
    expect(rows).toEqual([
      { channel: 'zns', granted: true, source: 'phone-call', recorded_by_label: expect.any(String) },
      { channel: 'zns', granted: false, source: 'phone-call', recorded_by_label: expect.any(String) },
    ]);
    const [pref] = await t.db.query<{ preferred_channel: string }>(`SELECT preferred_channel FROM member_notice_preference WHERE member_id = $1`, [memberId]);
    expect(pref.preferred_channel).toBe('sms');
    await noServerEnglish(page);

    // The same panel in English.
    await page.getByRole('button', { name: 'English' }).click();
    const english = page.getByRole('region', { name: `Notices and consent of ${name}` });
    await english.waitFor();
    await english.locator('tr[data-channel=ZALO_ZNS]').getByText('Withdrawn').waitFor();
    await english.getByRole('button', { name: 'Record consent' }).first().waitFor();
    await expect(english.getByLabel('Preferred channel').inputValue()).resolves.toBe('SMS');
    await noServerEnglish(page);
    await context.close();
  }, 90_000);
});
