/// <reference lib="dom" />
/**
 * The officer's notices panel after the review fixes, in Chromium (playwright-core) against the real API: a
 * withdrawal the member made from the signed link shows as "the link in a message" (translated, never the server's
 * "signed link"), the officer cannot pick "By the member" as the source, and unconfirmed notices are reported.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { startTestApp, TestApp } from '../support/app';
import { createUser, TestUser } from '../support/users';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = resolve(__dirname, '../..');

describe('officer: notices panel shows how a consent was recorded and unconfirmed notices, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let officer: TestUser;
  let memberId: string;
  const name = 'Phan Văn Rút';
  const pageErrors: string[] = [];

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
      input: { groupId: groups.data!.groups.edges[0].node.id, fullName: name, phone: '0905 800 002', skills: [] },
    });
    expect(res.errors).toBeUndefined();
    memberId = res.data!.createMember.id;
    officer = await createUser(t, { email: 'phuong.ruttin@cdtg.test', role: Role.WardOfficer, unitCode: '20242', displayName: 'Cán bộ Hải Châu' });
    // As the signed link records it (AssignmentLinkService): the member's own withdrawal, no account.
    await t.db.query(
      `INSERT INTO notice_consent (member_id, channel, granted, source, recorded_by, recorded_by_label, recorded_at)
       VALUES ($1, 'sms', false, 'member', NULL, 'signed link', now())`,
      [memberId],
    );
    // A notice whose ZNS call had no answer nor receipt.
    await t.db.query(
      `INSERT INTO notice (dedupe_key, member_id, phone, language, template, params, status, last_error)
       VALUES ('test:unconfirmed', $1, '+84905800002', 'vi', 'session-reminder', '{}', 'unconfirmed', 'zns:no-receipt')`,
      [memberId],
    );
  }, 120_000);

  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('says "the link in a message" in Vietnamese and English, offers no "By the member" source, and reports the unconfirmed notice', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' });
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
    await expect(panel.locator('tr[data-channel=SMS]').textContent()).resolves.toContain('Thành viên tự thực hiện · đường dẫn trong tin nhắn');
    await expect(panel.getByRole('list', { name: 'Lịch sử đồng ý' }).textContent()).resolves.toContain('đường dẫn trong tin nhắn');
    await panel.getByText('1 thông báo chưa xác nhận được thành viên đã nhận').waitFor();
    const sources = await panel.getByLabel('Cách ghi nhận').locator('option').allTextContents();
    expect(sources).toEqual(['Phiếu giấy có chữ ký', 'Trực tiếp với cán bộ', 'Qua điện thoại']);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('signed link');

    await page.getByRole('button', { name: 'English' }).click();
    const english = page.getByRole('region', { name: `Notices and consent of ${name}` });
    await english.waitFor();
    await expect(english.locator('tr[data-channel=SMS]').textContent()).resolves.toContain('By the member · the link in a message');
    await english.getByText('1 notice(s) could not be confirmed as received').waitFor();
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('signed link');
    await context.close();
  }, 90_000);
});
