/// <reference lib="dom" />
/**
 * The officer's notice preferences and consent per member, in Chromium (playwright-core) against the real API:
 * record a consent with how it was given, withdraw it (the history stays), choose the preferred channel; a
 * withdrawal the member made from the signed link shows as "the link in a message" (translated, never the server's
 * "signed link"), the officer cannot pick "By the member" as the source, and unconfirmed notices are reported; in
 * Vietnamese and in English, with no English from the server on screen.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoCity } from '@cdtg/demo';
import { eventually, startTestApp, TestApp } from '../support/app';
import { ConsoleDriver, launchChromium } from '../support/browser';
import { createUser, TestUser } from '../support/users';

describe('officer: notice preferences and consent per member, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let officer: TestUser;
  let memberId: string;
  const name = 'Đỗ Thị Đồng Ý';
  let linkMemberId: string;
  const linkName = 'Phan Văn Rút';
  const driver = new ConsoleDriver(() => t.url);

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    await loadDemoCity(t.app.get(DataSource));
    const groups = await t.gql<{ groups: { edges: { node: { id: string } }[] } }>(
      `{ groups(first: 1, filter: { unitCode: "20242" }) { edges { node { id } } } }`,
    );
    const member = async (fullName: string, phone: string) => {
      const res = await t.gql<{ createMember: { id: string } }>(`mutation($input: CreateMemberInput!) { createMember(input: $input) { id } }`, {
        input: { groupId: groups.data!.groups.edges[0].node.id, fullName, phone, skills: [] },
      });
      expect(res.errors).toBeUndefined();
      return res.data!.createMember.id;
    };
    memberId = await member(name, '0905 800 001');
    linkMemberId = await member(linkName, '0905 800 002');
    officer = await createUser(t, { email: 'phuong.thongbao@cdtg.test', role: Role.WardOfficer, unitCode: '20242', displayName: 'Cán bộ Hải Châu' });
    // As the signed link records it (AssignmentLinkService): the member's own withdrawal, no account.
    await t.db.query(
      `INSERT INTO notice_consent (member_id, channel, granted, source, recorded_by, recorded_by_label, recorded_at)
       VALUES ($1, 'sms', false, 'member', NULL, 'signed link', now())`,
      [linkMemberId],
    );
    // A notice whose ZNS call had no answer nor receipt.
    await t.db.query(
      `INSERT INTO notice (dedupe_key, member_id, phone, language, template, params, status, last_error)
       VALUES ('test:unconfirmed', $1, '+84905800002', 'vi', 'session-reminder', '{}', 'unconfirmed', 'zns:no-receipt')`,
      [linkMemberId],
    );
  }, 120_000);

  afterEach(() => expect(driver.pageErrors.splice(0)).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Signs the officer in and opens a member's notices panel. */
  const openPanel = async (context: BrowserContext, memberName: string) => {
    const page = await driver.signIn(context, officer, '/officer');
    await page.getByLabel('Thành viên: Tìm kiếm').fill(memberName);
    await page.getByRole('button', { name: `Thông báo: ${memberName}` }).click();
    const panel = page.getByRole('region', { name: `Thông báo và sự đồng ý của ${memberName}` });
    await panel.waitFor();
    return { page, panel };
  };

  it('records a consent to Zalo with its source, withdraws it, keeps the history, and sets SMS first; then in English', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' });
    const { page, panel } = await openPanel(context, name);
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
    expect(await driver.serverTextShown(page)).toEqual([]);

    // The same panel in English.
    await page.getByRole('button', { name: 'English' }).click();
    const english = page.getByRole('region', { name: `Notices and consent of ${name}` });
    await english.waitFor();
    await english.locator('tr[data-channel=ZALO_ZNS]').getByText('Withdrawn').waitFor();
    await english.getByRole('button', { name: 'Record consent' }).first().waitFor();
    await expect(english.getByLabel('Preferred channel').inputValue()).resolves.toBe('SMS');
    await driver.closeChecked(context);
  }, 90_000);

  it('says "the link in a message" in Vietnamese and English, offers no "By the member" source, and reports the unconfirmed notice', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' });
    const { page, panel } = await openPanel(context, linkName);
    await expect(panel.locator('tr[data-channel=SMS]').textContent()).resolves.toContain('Thành viên tự thực hiện · đường dẫn trong tin nhắn');
    await expect(panel.getByRole('list', { name: 'Lịch sử đồng ý' }).textContent()).resolves.toContain('đường dẫn trong tin nhắn');
    await panel.getByText('1 thông báo chưa xác nhận được thành viên đã nhận').waitFor();
    const sources = await panel.getByLabel('Cách ghi nhận').locator('option').allTextContents();
    expect(sources).toEqual(['Phiếu giấy có chữ ký', 'Trực tiếp với cán bộ', 'Qua điện thoại']);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('signed link');

    await page.getByRole('button', { name: 'English' }).click();
    const english = page.getByRole('region', { name: `Notices and consent of ${linkName}` });
    await english.waitFor();
    await expect(english.locator('tr[data-channel=SMS]').textContent()).resolves.toContain('By the member · the link in a message');
    await english.getByText('1 notice(s) could not be confirmed as received').waitFor();
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('signed link');
    await driver.closeChecked(context);
  }, 90_000);
});
