import { createServer } from 'node:net';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { cliActor } from '../../src/common/actor';
import { SettingsService } from '../../src/settings/settings.service';
import { createTestApp, TestApp } from '../support/app';
import { horizontalOverflow, launchChromium, PHONE, SCREENSHOTS, seriousViolations } from '../support/browser';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The public privacy page on a phone (390 px): the settings' real values, readable, accessible, no sideways scrolling. */
describe('the privacy page on a phone (SQLite)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ dialect: 'sqlite', env: { PUBLIC_URL: base } });
    await t.app.listen({ port, host: '127.0.0.1' });
    await t.app.get(SettingsService).update(cliActor('test'), { dataRetentionDays: 400, rawClickRetentionDays: 45 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('states what is kept, why and for how long from the settings in force, and reads well at 390 px', async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const res = await page.goto(`${base}/privacy`);
    expect(res?.status()).toBe(200);
    const text = (await page.textContent('main')) ?? '';
    expect(text).toContain('400 days');
    expect(text).toContain('45 days');
    expect(text).toContain('We never sell your data.');
    for (const right of ['Stop emails.', 'Withdraw a recommendation.', 'Erase your data.']) expect(text).toContain(right);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'privacy-phone.png'), fullPage: true });

    // Every customer page links to it from the footer.
    await page.goto(`${base}/preferences/not-a-valid-token`);
    expect(await page.getAttribute('footer a[href="/privacy"]', 'href')).toBe('/privacy');
    await context.close();
  });
});
