/// <reference lib="dom" />
/**
 * The department's targets (chỉ tiêu) in a real browser (Debian's Chromium, playwright-core, headless) against the real
 * API serving the built console: import targets from CSV (a bad row explained in Vietnamese), set one in the form, see
 * them listed, and find the unit flagged "chậm tiến độ" in the dashboard table with target, actual and gap.
 * CDTG_SCREENSHOTS=1 also writes the two screens to docs/screenshots/.
 */
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Role } from '@cdtg/access';
import { loadDemoActivity, loadDemoCity } from '@cdtg/demo';
import { startTestApp, TestApp } from '../support/app';
import { ConsoleDriver, launchChromium, screenshot as shot } from '../support/browser';
import { createUser, TestUser } from '../support/users';

/** Today in Vietnam (UTC+7). */
const today = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

describe('targets in the web console (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let department: TestUser;
  const driver = new ConsoleDriver(() => t.url);

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp({ env: { DATABASE_POOL_SIZE: '10' } });
    const dataSource = t.app.get(DataSource);
    await loadDemoCity(dataSource);
    await loadDemoActivity(dataSource, { share: 0.1 });
    department = await createUser(t, { email: 'so.chitieu@cdtg.test', role: Role.Department, unitCode: '48', displayName: 'Sở' });
  }, 180_000);

  afterEach(() => {
    expect(driver.pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the department imports and sets targets, then sees target, actual, gap and "chậm tiến độ" on the dashboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN' });
    const page = await driver.signIn(context, department, '/department');
    await page.getByRole('tab', { name: 'Chỉ tiêu' }).click();
    await page.getByRole('heading', { name: 'Chỉ tiêu theo đơn vị và kỳ' }).waitFor();

    // Import: this month's targets of Phường Hải Châu (households far above what a month brings: behind plan), and a
    // row with an unknown measure, explained in Vietnamese.
    const month = today().slice(0, 7);
    await page
      .locator('textarea[name=target-csv]')
      .fill(
        [
          'Mã đơn vị;Chỉ số;Kỳ;Từ ngày;Chỉ tiêu',
          `20242;households;tháng;${month}-01;100000`,
          `20242;coverage;tháng;${month}-01;95`,
          `20242;hạnh phúc;tháng;${month}-01;1`,
        ].join('\n'),
      );
    await page.getByRole('button', { name: 'Nhập chỉ tiêu', exact: true }).click();
    const report = page.getByTestId('targets-import-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('Đã thêm 2, cập nhật 0, không đổi 0.');
    expect(await report.locator('tbody tr').first().textContent()).toMatch(/^4measure.*phải là một trong/);

    // Set one in the form: the province's sessions this month.
    await page.locator('select[name=target-measure]').selectOption('sessions_held');
    await page.locator('input[name=target-value]').fill('40');
    await page.getByRole('button', { name: 'Lưu chỉ tiêu' }).click();
    await page.getByText('Đã lưu chỉ tiêu.').waitFor();
    const table = page.getByTestId('targets-table');
    await table.getByText('Buổi tập huấn').waitFor();
    const text = await table.textContent();
    expect(text).toContain('Phường Hải Châu');
    expect(text).toContain('Hộ được hỗ trợ trong kỳ');
    expect(text).toContain('100.000');
    expect(text).toContain('95 %');
    await shot(page, 'department-targets.png');

    // A bad value is refused with the Vietnamese reason.
    await page.locator('select[name=target-measure]').selectOption('coverage');
    await page.locator('input[name=target-value]').fill('150');
    await page.getByRole('button', { name: 'Lưu chỉ tiêu' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/từ 0 đến 100/);

    // The dashboard by month: Phường Hải Châu's row carries its targets, flagged behind plan.
    await page.getByRole('tab', { name: 'Số liệu bao phủ' }).click();
    await page.locator('select[name=period]').selectOption('MONTH');
    await page.locator('input[name=from]').fill(`${month}-01`);
    const coverage = page.getByTestId('coverage-table');
    // The unit's row, then the row of its progress under it.
    const row = coverage.locator('tbody tr', { hasText: 'Phường Hải Châu' }).first();
    const progressRow = row.locator('xpath=following-sibling::tr[1]');
    await progressRow.getByTestId('target-progress').first().waitFor();
    const progress = await progressRow.textContent();
    expect(progress).toContain('Chỉ tiêu (đạt / giao, còn thiếu)');
    expect(progress).toMatch(/Hộ được hỗ trợ trong kỳ [\d.,]+ \/ 100\.000, còn [\d.,]+/);
    expect(progress).toContain('chậm tiến độ');
    await row.scrollIntoViewIfNeeded();
    await shot(page, 'department-dashboard-targets.png', false);

    // English: the same row, in English words.
    await page.getByRole('button', { name: 'English' }).click();
    await coverage.getByText('behind plan').first().waitFor();

    await driver.closeChecked(context);
  });
});
