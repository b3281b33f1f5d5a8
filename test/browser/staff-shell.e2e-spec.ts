import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { CampaignsService } from '../../src/campaigns/campaigns.service';
import { LaunchCampaign } from '../../src/campaigns/launch-campaign';
import { cliActor } from '../../src/common/actor';
import { DemoSeedService } from '../../src/demo/demo-seed.service';
import { ImportFeedbackUseCase } from '../../src/feedback/import-feedback.use-case';
import { StagedUploads } from '../../src/feedback/staged-uploads';
import { UsersService } from '../../src/users/users.service';
import { ACCOUNT_NAV, navFor, STAFF_NAV } from '../../src/web/staff-page';
import { createTestApp, TestApp } from '../support/app';
import { DESKTOP, horizontalOverflow, launchChromium, PHONE, SCREENSHOTS, seriousViolations } from '../support/browser';
import { realExports } from '../support/real-exports';
import { staffPageRoutes } from '../support/staff-routes';

/** The NPS chart's period labels as drawn: each must stand clear of the next and inside the chart. */
async function chartTickProblems(page: Page): Promise<string[]> {
  const { svg, ticks } = (await page.evaluate(`(() => {
    const svg = document.querySelector('.chart svg').getBoundingClientRect();
    const ticks = [...document.querySelectorAll('.chart svg text[text-anchor="middle"]')].map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent, left: r.left, right: r.right };
    });
    return { svg: { left: svg.left, right: svg.right }, ticks };
  })()`)) as { svg: { left: number; right: number }; ticks: { text: string; left: number; right: number }[] };
  const problems: string[] = [];
  if (ticks.length < 2) problems.push(`chart has ${ticks.length} period labels`);
  for (let i = 1; i < ticks.length; i++) {
    if (ticks[i].left < ticks[i - 1].right + 2) problems.push(`chart labels "${ticks[i - 1].text}" and "${ticks[i].text}" touch`);
  }
  for (const tick of ticks) if (tick.left < svg.left || tick.right > svg.right) problems.push(`chart label "${tick.text}" is cut`);
  return problems;
}

/** At 1366 px: a sidebar, content using the width up to 1280 px, tables as wide as their box with a sticky header. */
async function layoutProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const problems = [];
    if (getComputedStyle(document.querySelector('.sidebar')).display === 'none') problems.push('no sidebar');
    const main = document.querySelector('main.content').getBoundingClientRect();
    if (main.width > 1280 || main.width < 1000) problems.push('content is ' + Math.round(main.width) + ' px wide');
    for (const table of document.querySelectorAll('main table')) {
      const box = table.parentElement.getBoundingClientRect().width;
      if (table.getBoundingClientRect().width < box - 2) problems.push('a table leaves its box half empty');
      const th = table.querySelector('thead th');
      if (th && getComputedStyle(th).position !== 'sticky') problems.push('a table header scrolls away');
    }
    return problems;
  })()`)) as string[];
}

const SCREENS = [
  { name: 'phone', options: PHONE },
  { name: 'desktop', options: DESKTOP },
] as const;

/**
 * The staff shell with demo data (the pages at their fullest): every staff page, detail pages included, on a
 * 390 px phone and a 1366 px screen — no horizontal overflow, no serious axe violation, a title, a way back.
 */
describe('staff shell: every staff page on a phone and at 1366 px', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let credentials: Record<string, { email: string; password: string }>;
  let samples: Record<string, string>;
  const contexts: BrowserContext[] = [];

  async function signIn(options: object, who: 'admin' | 'dealer', extra: object = {}): Promise<Page> {
    const context = await browser.newContext({ ...options, ...extra });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Email address').fill(credentials[who].email);
    await page.getByLabel('Password').fill(credentials[who].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A location manager lands on their report, others on the staff home.
    await page.waitForURL(who === 'dealer' ? `${base}/dashboard/reports` : `${base}/dashboard`);
    return page;
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    const report = await t.app.get(DemoSeedService).seed(cliActor('test'));
    credentials = Object.fromEntries(report.credentials.map((c) => [c.role, c]));
    // A running campaign, so the home page and the location page show a funnel.
    const campaign = (await t.app.get(CampaignsService).list(cliActor('test'))).find((c) => c.status === 'draft')!;
    await t.app.get(LaunchCampaign).execute(cliActor('test'), campaign.id);
    const dealer = await t.app.get(UsersService).findByEmail(credentials.dealer.email);
    // An import with rejected rows: its page explains them problem by problem.
    const feedbackImport = await t.app.get(ImportFeedbackUseCase).run({
      source: 'cli',
      filename: 'october.csv',
      actor: cliActor('test'),
      input: Readable.from([
        'response_id,email,location_code,score\n',
        'OCT-1,ana@example.com,DLR-001,9\nOCT-2,ben@example.com,DLR-001,\nOCT-3,cy@example.com,DLR-001,\n',
        'OCT-4,dee@example.com,NORTHWAREHOUSE-DISTRIBUTION-07,10\nOCT-5,not-an-address,DLR-001,8\n',
      ]),
    });
    // A survey export waiting at its mapping step, uploaded by the admin who visits the pages.
    const admin = await t.app.get(UsersService).findByEmail(credentials.admin.email);
    const google = realExports().find((r) => r.file.startsWith('googleforms'))!;
    const staged = await t.app.get(StagedUploads).save(createReadStream(google.path), { type: 'staff', id: admin!.id, role: 'admin' }, google.file);
    samples = {
      '/dashboard/locations/:code': '/dashboard/locations/DLR-001',
      '/dashboard/locations/:code/edit': '/dashboard/locations/DLR-001/edit',
      '/dashboard/locations/:code/week': '/dashboard/locations/DLR-001/week',
      '/dashboard/locations/:code/roster': '/dashboard/locations/DLR-001/roster',
      '/dashboard/users/:id': `/dashboard/users/${dealer!.id}`,
      '/dashboard/campaigns/:id': `/dashboard/campaigns/${campaign.id}`,
      '/dashboard/campaigns/:id/edit': `/dashboard/campaigns/${campaign.id}/edit`,
      '/dashboard/campaigns/:id/dry-run': `/dashboard/campaigns/${campaign.id}/dry-run`,
      '/dashboard/campaigns/:id/reward': `/dashboard/campaigns/${campaign.id}/reward`,
      '/dashboard/feedback/imports/:id': `/dashboard/feedback/imports/${feedbackImport.id}`,
      '/dashboard/feedback/uploads/:id': `/dashboard/feedback/uploads/${staged}`,
      '/dashboard/reports/locations/:code': '/dashboard/reports/locations/DLR-001?days=90',
      '/dashboard/reports/campaigns/:id': `/dashboard/reports/campaigns/${campaign.id}?days=365`,
    };
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('the overflow check fails on a page wider than the phone (a mobile browser widens innerWidth to fit it)', async () => {
    const context = await browser.newContext(PHONE);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    // A block 542 px wide (as /dashboard/locations/:code was): set through the CSSOM, which the CSP allows.
    await page.evaluate('const d = document.createElement("div"); d.style.width = "542px"; d.style.height = "1px"; document.querySelector("main").append(d)');
    expect(await horizontalOverflow(page)).toBeGreaterThan(100);
  });

  for (const screen of SCREENS) {
    it(`every staff page fits a ${screen.name} screen, passes axe, has a title and a way back`, async () => {
      const page = await signIn(screen.options, 'admin');
      const routes = staffPageRoutes(t.app);
      const unvisited = routes.filter((r) => r.includes(':') && !samples[r]);
      expect(unvisited).toEqual([]);
      const sections = new Set([...STAFF_NAV.map((i) => i.href), ACCOUNT_NAV.href]);
      const problems: string[] = [];
      for (const route of routes) {
        const url = samples[route] ?? route;
        const response = await page.goto(`${base}${url}`);
        if (response?.status() !== 200) problems.push(`${url}: status ${response?.status()}`);
        const h1 = (await page.locator('main h1').first().textContent())?.trim();
        const title = await page.title();
        if (!h1) problems.push(`${url}: no h1`);
        if (!/^\S.* · \S/.test(title)) problems.push(`${url}: title "${title}" does not name the page`);
        if (!sections.has(route) && (await page.locator('main a', { hasText: /^←/ }).count()) === 0) problems.push(`${url}: no way back`);
        if (route === '/dashboard/nps') problems.push(...(await chartTickProblems(page)).map((p) => `${url}: ${p}`));
        if (screen.name === 'desktop') problems.push(...(await layoutProblems(page)).map((p) => `${url}: ${p}`));
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) problems.push(`${url}: ${overflow} px wider than the ${screen.name} screen`);
        for (const violation of await seriousViolations(page)) problems.push(`${url}: ${violation}`);
        const name = url.replace(/^\/dashboard\/?/, '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'id').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || 'home';
        await page.screenshot({ path: join(SCREENSHOTS, `shell-${screen.name}-${name}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
    }, 300_000);
  }

  it('a dealer sees only what they may use: navigation, cards and numbers of their own locations', async () => {
    const page = await signIn(PHONE, 'dealer');
    await page.getByText('Menu', { exact: true }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'shell-phone-dealer-menu-open.png') });
    const links = page.locator('.phone-menu .staff-nav a');
    const expected = navFor('dealer').map((i) => i.label);
    expect(await links.allTextContents()).toEqual(expected);
    expect(expected).not.toEqual(expect.arrayContaining(['Feedback']));
    expect(expected).not.toEqual(expect.arrayContaining(['Users']));
    // Every section offered answers the dealer (none is a 403 behind a link), fits the phone and passes axe.
    const problems: string[] = [];
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
      const response = await page.goto(`${base}${href}`);
      if (response?.status() !== 200) problems.push(`${href}: status ${response?.status()}`);
      const overflow = await horizontalOverflow(page);
      if (overflow > 0) problems.push(`${href}: ${overflow} px wider than the phone`);
      for (const violation of await seriousViolations(page)) problems.push(`${href}: ${violation}`);
    }
    expect(problems).toEqual([]);
    await page.goto(`${base}/dashboard`);
    const cards = (await page.locator('.cards').textContent()) ?? '';
    expect(cards).not.toMatch(/import|hide|launch/i);
    // Numbers for their locations only.
    expect(await page.locator('#locations-heading').textContent()).toBe('Your locations');
    expect(await page.locator('section[aria-labelledby="locations-heading"] tbody tr').allTextContents()).toEqual([expect.stringContaining('DLR-001')]);
    await page.screenshot({ path: join(SCREENSHOTS, 'shell-phone-dealer-home.png'), fullPage: true });
  });

  for (const screen of SCREENS) {
    it(`a dealer lands on their report after sign-in: numbers first, chart below, nothing overflows (${screen.name})`, async () => {
      const page = await signIn(screen.options, 'dealer');
      expect(await page.locator('main h1').textContent()).toContain('Report: ');
      const problems: string[] = [];
      for (const url of ['/dashboard/reports?days=90', '/dashboard/reports/locations/DLR-001?days=7', '/dashboard/reports/locations/DLR-001?from=2020-01-01&to=2020-01-31']) {
        const response = await page.goto(`${base}${url}`);
        if (response?.status() !== 200) problems.push(`${url}: status ${response?.status()}`);
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) problems.push(`${url}: ${overflow} px wider than the ${screen.name} screen`);
        for (const violation of await seriousViolations(page)) problems.push(`${url}: ${violation}`);
      }
      expect(problems).toEqual([]);
      await page.goto(`${base}/dashboard/reports?days=90`);
      // Numbers come before the chart; the chart has a title and its numbers are in a table.
      const order = await page.evaluate(`[document.querySelector('.headline').getBoundingClientRect().top, document.querySelector('figure.report-chart').getBoundingClientRect().top]`) as number[];
      expect(order[0]).toBeLessThan(order[1]);
      expect(await page.locator('figure.report-chart svg title').first().textContent()).toContain('Visitors');
      await page.screenshot({ path: join(SCREENSHOTS, `reports-dealer-${screen.name}.png`), fullPage: true });
      // A table scrolled in its box (here made small) keeps its header row on top, not covered by the row headers
      // scrolled under it, and each row's first cell in view when scrolled sideways (on a phone).
      const scrolled = await page.evaluate(`(() => {
        const box = document.querySelector('.table-scroll[aria-labelledby="advocates-heading"]');
        box.style.maxHeight = '8rem';
        box.scrollTop = box.scrollHeight;
        box.scrollLeft = box.scrollWidth;
        box.scrollIntoView({ block: 'center' });
        const header = box.querySelector('thead th').getBoundingClientRect();
        const hit = document.elementFromPoint(header.left + header.width / 2, header.top + header.height / 2);
        const inner = box.getBoundingClientRect().left + box.clientLeft;
        return {
          scrolledDown: box.scrollTop > 0,
          headerOnTop: hit !== null && hit.closest('thead') !== null,
          firstCellsOffset: Math.max(...[...box.querySelectorAll('tbody tr > :first-child')].map((c) => Math.abs(Math.round(c.getBoundingClientRect().left - inner)))),
        };
      })()`);
      expect(scrolled).toEqual({ scrolledDown: true, headerOnTop: true, firstCellsOffset: 0 });
      // Another location's report is a 404 for them.
      expect((await page.goto(`${base}/dashboard/reports/locations/DLR-002`))?.status()).toBe(404);
    }, 120_000);
  }

  it("an admin's sidebar, every section with their account and the sign-out, fits a 1366×768 window", async () => {
    const page = await signIn({ viewport: { width: 1366, height: 768 } }, 'admin');
    await page.goto(`${base}/dashboard/settings`);
    const sidebar = await page.evaluate(`(() => {
      const s = document.querySelector('.sidebar');
      const targets = [...s.querySelectorAll('a, button')].map((e) => e.getBoundingClientRect());
      return {
        fits: s.scrollHeight <= s.clientHeight,
        signOutInView: s.querySelector('.nav-foot button').getBoundingClientRect().bottom <= window.innerHeight,
        targets: targets.length,
        smallestTarget: Math.min(...targets.map((r) => r.height)),
      };
    })()`) as { fits: boolean; signOutInView: boolean; targets: number; smallestTarget: number };
    expect(sidebar).toMatchObject({ fits: true, signOutInView: true });
    expect(sidebar.targets).toBeGreaterThanOrEqual(15); // 13 sections, their account, the sign-out
    expect(sidebar.smallestTarget).toBeGreaterThanOrEqual(24); // WCAG 2.2 target size (minimum)
  });

  it('the phone menu opens and navigates without any script', async () => {
    const page = await signIn(PHONE, 'admin', { javaScriptEnabled: false });
    expect(await page.locator('.sidebar').isVisible()).toBe(false);
    const menu = page.locator('.phone-menu');
    expect(await menu.getByRole('link', { name: 'Alerts', exact: true }).isVisible()).toBe(false);
    await page.getByText('Menu', { exact: true }).click();
    await menu.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.waitForURL(`${base}/dashboard/alerts`);
    expect(await page.locator('h1').textContent()).toBe('Detractor alerts');
  });
});
