import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { cliActor } from '../../src/common/actor';
import { DemoSeedService } from '../../src/demo/demo-seed.service';
import { NO_SCORE_COLUMN_MESSAGE } from '../../src/feedback/survey-export';
import { createTestApp, TestApp } from '../support/app';
import { DESKTOP, horizontalOverflow, launchChromium, PHONE, SCREENSHOTS, seriousViolations } from '../support/browser';
import { RealExport, realExports } from '../support/real-exports';

const SCREENS = [
  { name: 'phone', options: PHONE },
  { name: 'desktop', options: DESKTOP },
] as const;

/**
 * A marketer brings in survey-tool exports as the tools give them, through the pages: upload, see the columns
 * with samples and the proposed mapping, change what is wrong, import. Google Forms (no email, US dates, three
 * 0–10 questions of which one is proposed) imports with its meta's figures; Qualtrics without a 0–10 question
 * is refused in words, nothing written. Screenshots of each step on a phone and at 1366 px.
 */
describe('survey-tool exports through the mapping step (browser)', () => {
  let t: TestApp;
  let db: DataSource;
  let browser: Browser;
  let base: string;
  let credentials: Record<string, { email: string; password: string }>;
  const contexts: BrowserContext[] = [];
  const google = realExports().find((r) => r.file.startsWith('googleforms'))!;
  const qualtrics = realExports().find((r) => r.file.startsWith('qualtrics_modern'))!;
  const responses = async () => Number((await db.query('SELECT COUNT(*) AS n FROM feedback_response'))[0].n);

  async function signIn(options: object, who: 'marketer' | 'admin' = 'marketer'): Promise<Page> {
    const context = await browser.newContext(options);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Email address').fill(credentials[who].email);
    await page.getByLabel('Password').fill(credentials[who].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);
    return page;
  }

  async function uploadExport(page: Page, real: RealExport): Promise<void> {
    await page.goto(`${base}/dashboard/feedback`);
    await page.getByLabel('Export file (CSV or Excel .xlsx)').setInputFiles(real.path);
    await page.getByRole('button', { name: 'Upload and map columns' }).click();
    await page.waitForURL(/\/dashboard\/feedback\/uploads\/[A-Za-z0-9_-]{22}$/);
  }

  async function checkPage(page: Page, name: string): Promise<void> {
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, `survey-import-${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    db = t.app.get(DataSource);
    const report = await t.app.get(DemoSeedService).seed(cliActor('test'));
    credentials = Object.fromEntries(report.credentials.map((c) => [c.role, c]));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  for (const screen of SCREENS) {
    it(`Google Forms (${screen.name}): the marketer picks the recommend question and the date order, no email is said, the import gives the meta's figures`, async () => {
      await db.query('DELETE FROM saved_mapping'); // the first walk saves its mapping: each screen walks it afresh
      const page = await signIn(screen.options);
      const before = await responses();
      await uploadExport(page, google);
      await expect(page.locator('h1').textContent()).resolves.toBe('Map the columns');
      // Three 0–10 questions, none named like "recommend": nothing is preselected, the marketer chooses, and only
      // 0–10 columns are offered.
      const score = page.getByLabel(/Score \(0–10\)/);
      expect(await score.inputValue()).toBe('');
      expect((await score.locator('option').allTextContents()).slice(1)).toEqual([google.meta.score_column, expect.stringMatching(/opening keynote/), expect.stringMatching(/closing keynote/)]);
      await score.selectOption(google.meta.score_column!);
      // Its dates (11/1/2019 …) read either way round: the step asks, and the marketer says month first.
      expect(await page.getByLabel('How dates are written').inputValue()).toBe('');
      const text = await page.locator('main').textContent();
      expect(text).toContain('could be day-first or month-first: choose the date format');
      expect(text).toMatch(/No email column: these responses count for NPS and reports, but nobody can be invited/);
      await page.getByLabel('How dates are written').selectOption('M/d/yyyy H:mm:ss');
      await page.getByLabel('Location for rows without one').selectOption('DLR-001');
      await checkPage(page, `${screen.name}-googleforms-mapping`);

      await page.getByRole('button', { name: 'Import' }).click();
      await page.waitForURL(/\/dashboard\/feedback\/imports\/[0-9a-f-]{36}$/);
      const e = google.meta.expected;
      await expect(page.getByRole('status').first().textContent()).resolves.toContain(`${e.score_ok} of ${e.total} rows accepted`);
      await expect(page.locator('main').textContent()).resolves.toContain('The file has no email addresses');
      await checkPage(page, `${screen.name}-googleforms-result`);
      // First time: every row is new; the second screen's import of the same file writes nothing new.
      expect((await responses()) - before).toBe(screen.name === 'phone' ? e.score_ok : 0);
    });
  }

  it('Qualtrics without a 0–10 question: the mapping step says so in words and offers no import; nothing is written', async () => {
    const page = await signIn(PHONE);
    const before = await responses();
    await uploadExport(page, qualtrics);
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('This file can’t be imported');
    await expect(page.locator('main').textContent()).resolves.toContain(NO_SCORE_COLUMN_MESSAGE);
    expect(await page.getByRole('button', { name: 'Import' }).count()).toBe(0);
    // The file's three Qualtrics header rows were recognised: the columns are the question ids.
    await expect(page.locator('main table').textContent()).resolves.toContain('ResponseId');
    await checkPage(page, 'phone-qualtrics-mapping');
    await page.setViewportSize(DESKTOP.viewport);
    await page.screenshot({ path: join(SCREENSHOTS, 'survey-import-desktop-qualtrics-mapping.png'), fullPage: true });
    expect(await responses()).toBe(before);
  });

  it('a staged upload is its uploader’s only: another staff user gets 404, and once imported it is gone', async () => {
    const page = await signIn(DESKTOP);
    await uploadExport(page, google);
    const url = page.url();
    const admin = await signIn(DESKTOP, 'admin');
    expect((await admin.goto(url))?.status()).toBe(404);
    await page.getByLabel(/Score \(0–10\)/).selectOption(google.meta.score_column!);
    await page.getByLabel('Location for rows without one').selectOption('DLR-001');
    await page.getByLabel('How dates are written').selectOption('M/d/yyyy H:mm:ss');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(/\/dashboard\/feedback\/imports\//);
    expect((await page.goto(url))?.status()).toBe(404);
  });
});
