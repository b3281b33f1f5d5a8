import { createServer } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { LocationsService } from '../../src/locations/locations.service';
import { checkXStatus, composeXStatus } from '../../src/sharing/x/x-status';
import { ALL_DAY, linkIn, pathOf, seedCustomers, sendsRecorded, setup, staffHeader } from '../campaign-fixtures';
import { createTestApp, TestApp } from '../support/app';
import { signTestInvitation } from '../../src/invitations/test-invitation-token';
import { horizontalOverflow, launchChromium, PHONE, SCREENSHOTS, seriousViolations } from '../support/browser';
import { TestSmtpServer } from '../support/smtp-server';

const REVIEW_URL = 'https://reviews.example.com/harbour-street-motors';
const WEBSITE_URL = 'https://harbour.example.com';
const ADA_COMMENT = 'Quick service and a friendly team.';
const BO_COMMENT = 'They explained everything before starting.';

/** A port nobody listens on right now: PUBLIC_URL must be known before the app boots. */
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

/**
 * The customer's path in a real browser on a phone-sized screen, from the invitation email (real loopback SMTP)
 * through write → preview → approve → share, the X intent link (caught before it leaves the machine), the
 * tracked link to the public page, the location page and the preference pages; and the same core path with
 * JavaScript switched off.
 */
describe('the advocate’s path in a real browser (phone viewport)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let db: DataSource;
  let browser: Browser;
  let base: string;
  /** Requests the pages tried to send anywhere but the app (and the stubbed x.com): there must be none. */
  const escaped: string[] = [];
  const links = new Map<string, { invite: string; preferences: string }>();
  let campaignId: string;

  /** Keeps every request on this machine: the app passes, x.com gets a stub page, anything else is refused. */
  async function confine(context: BrowserContext) {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${base}/`)) return route.continue();
      escaped.push(url);
      return route.abort('blockedbyclient');
    });
    // Registered last, so it is asked first.
    await context.route('https://x.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>X</title>' }));
  }

  async function check(page: Page, shot: string) {
    expect(await seriousViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, `advocate-${shot}.png`), fullPage: true });
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect: 'postgres', env: { SMTP_URL: `${smtp.url}?pool=false`, PUBLIC_URL: base } });
    await t.app.listen({ port, host: '127.0.0.1' });
    db = t.app.get(DataSource);

    const location = await t.app.get(LocationsService).create(setup, {
      code: 'HBR-001',
      name: 'Harbour Street Motors',
      address: '12 Harbour Street',
      city: 'Portsmouth',
      websiteUrl: WEBSITE_URL,
      reviewUrl: REVIEW_URL,
    });
    await seedCustomers(db, [
      { email: 'ada@example.com', name: 'Ada Lovelace', score: 10, consent: true, location, comment: ADA_COMMENT },
      { email: 'bo@example.com', name: 'Bo Diddley', score: 9, consent: true, location, comment: BO_COMMENT },
    ]);
    const marketer = await staffHeader(t.app, 'marketer');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/campaigns',
      headers: marketer.headers,
      payload: { name: 'Good word', sendingHours: ALL_DAY, prompt: 'What would you tell a friend?' },
    });
    expect(created.statusCode).toBe(201);
    campaignId = created.json().id;
    const launched = await t.app.inject({ method: 'POST', url: `/api/campaigns/${created.json().id}/launch`, headers: marketer.headers });
    expect(launched.statusCode).toBeLessThan(300);
    const messages = await smtp.waitFor(2, 20_000);
    await sendsRecorded(t.app.get(DataSource));
    for (const message of messages) {
      const who = message.envelope.to[0].split('@')[0];
      links.set(who, { invite: linkIn(message.parsed.text!, 'i'), preferences: linkIn(message.parsed.text!, 'preferences') });
    }

    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  it('emails links to this server', () => {
    for (const who of ['ada', 'bo']) {
      const { invite, preferences } = links.get(who)!;
      expect(invite.startsWith(`${base}/i/`)).toBe(true);
      expect(preferences.startsWith(`${base}/preferences/`)).toBe(true);
      expect(preferences).not.toMatch(/\/unsubscribe$/);
    }
  });

  it('writes, previews, approves and shares with JavaScript; the X link and the tracked link work; every page passes axe', async () => {
    const context = await browser.newContext({ ...PHONE });
    await confine(context);
    const page = await context.newPage();
    try {
      const { invite, preferences } = links.get('ada')!;

      // Step 1: write, starting from their own feedback comment.
      await page.goto(invite);
      expect(await page.locator('h1').textContent()).toBe('Thank you, Ada');
      expect(await page.locator('main').textContent()).toContain('Harbour Street Motors');
      const textarea = page.getByLabel('What would you tell a friend?');
      expect(await textarea.inputValue()).toBe(ADA_COMMENT);
      const counter = page.locator('#x-count');
      const countFor = (text: string) => checkXStatus(composeXStatus(text, `${base}/r/abcdefghijkl`)).weightedLength;
      // (Locators, not waitForFunction: the page's CSP forbids the eval that a string predicate needs.)
      await page.locator('#x-count', { hasText: `For X: ${countFor(ADA_COMMENT)} of 280 characters with the link.` }).waitFor();
      await check(page, '01-write');
      // Every channel and the hint under them are on the page, not hidden in a box that scrolls (issue #14, defect 1).
      const clipped = await page.locator('fieldset.checklist').evaluateAll((sets) => sets.filter((f) => f.scrollHeight > f.clientHeight + 1).length);
      expect(clipped).toBe(0);
      expect(await page.getByText('You share it yourself, from your own accounts.').isVisible()).toBe(true);

      // Edits it by typing: the live counter follows, counted by the server as X counts.
      const text = `${ADA_COMMENT} Fixed my brakes the same day, and the price was what they said. 🚗`;
      await textarea.fill('');
      await textarea.pressSequentially(text);
      expect(await textarea.inputValue()).toBe(text);
      await page.locator('#x-count', { hasText: `For X: ${countFor(text)} of 280 characters` }).waitFor();
      expect(await counter.textContent()).toMatch(/^For X: \d+ of 280/);
      await page.screenshot({ path: join(SCREENSHOTS, 'advocate-02-write-edited.png'), fullPage: true });

      // Step 2: preview per channel, then the explicit approval.
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.waitForURL(`${invite}/preview`);
      expect(await page.locator('h1').textContent()).toBe('Check your recommendation');
      expect(await page.locator('blockquote.quote').first().textContent()).toBe(text);
      expect(await page.locator('[data-x-length]').getAttribute('data-x-length')).toBe(String(countFor(text)));
      await check(page, '03-preview');
      // The link each channel adds is shown as text, never as something that looks clickable (defect 7).
      expect(
        await page.evaluate("(() => { const el = document.querySelector('.link-suffix'); return [el.tagName, el.closest('a') === null, getComputedStyle(el).textDecorationLine]; })()"),
      ).toEqual(['SPAN', true, 'none']);
      await page.getByLabel(/I wrote this and I’m happy for it to be shared under my first name/).check();
      await page.getByRole('button', { name: 'Approve' }).click();

      // Step 3: the share page.
      await page.waitForURL(`${invite}?notice=approved`);
      expect(await page.locator('h1').textContent()).toBe('Share your recommendation');
      // Each share button carries its channel's icon and says what it does to a screen reader.
      expect(await page.getByRole('link', { name: 'Share on X (opens in a new window)' }).locator('svg.share-icon').count()).toBe(1);
      expect(await page.locator('.share-buttons a:not(:has(svg.share-icon))').count()).toBe(0);
      expect(await page.getByRole('status').textContent()).toContain('Your recommendation is approved');
      expect(await page.locator('blockquote.quote').textContent()).toBe(text);
      expect(await page.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true); // shown by advocate.js
      await check(page, '04-share');

      const xLink = page.locator('a[data-channel="x"]');
      const xUrl = new URL((await xLink.getAttribute('href'))!);
      expect(xUrl.origin + xUrl.pathname).toBe('https://x.com/intent/post');
      expect(xUrl.searchParams.get('text')).toBe(text);
      const tracked = xUrl.searchParams.get('url')!;
      expect(tracked).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')}/r/[A-Za-z0-9_-]{12}$`));
      const channels = await Promise.all((await page.locator('a[data-channel]').all()).map((a) => a.getAttribute('data-channel')));
      expect(channels).toEqual(['x', 'facebook', 'linkedin', 'whatsapp', 'email']);

      // The X button opens X's own composer in a new window; the stub keeps it on this machine.
      const [popup] = await Promise.all([context.waitForEvent('page'), xLink.click()]);
      await popup.waitForLoadState('domcontentloaded');
      const opened = new URL(popup.url());
      expect(opened.origin + opened.pathname).toBe('https://x.com/intent/post');
      expect(opened.searchParams.get('text')).toBe(text);
      expect(opened.searchParams.get('url')).toBe(tracked);
      expect(await popup.title()).toBe('X');
      await popup.close();

      // Whoever follows the tracked link lands on the recommendation's public page.
      await page.goto(tracked);
      await page.waitForURL(new RegExp(`^${base.replace(/[.]/g, '\\.')}/p/[0-9a-f-]{36}$`));
      const publicUrl = page.url();
      expect(await page.locator('h1').textContent()).toBe('Ada L. recommends Harbour Street Motors');
      expect(await page.locator('blockquote.quote').textContent()).toBe(text);
      expect(await page.locator('main').textContent()).toContain('12 Harbour Street, Portsmouth');
      expect(await page.getByRole('link', { name: 'Website' }).getAttribute('href')).toBe(WEBSITE_URL);
      expect(await page.content()).not.toContain(REVIEW_URL);
      expect(await page.content()).not.toContain('Lovelace');
      await check(page, '05-recommendation');

      // The location page: its recommendations, and the review link for everyone.
      await page.getByRole('link', { name: 'More about Harbour Street Motors' }).click();
      await page.waitForURL(`${base}/l/HBR-001`);
      expect(await page.locator('h1').textContent()).toBe('Harbour Street Motors');
      expect(await page.getByRole('link', { name: 'Write a review' }).getAttribute('href')).toBe(REVIEW_URL);
      expect(await page.locator('blockquote.quote').allTextContents()).toEqual([text]);
      await check(page, '06-location');

      // The preference pages from the same email, and withdrawing from there.
      await page.goto(preferences);
      expect(await page.locator('h1').textContent()).toBe('Your email and reward choices');
      expect(await page.getByLabel('Invitations to recommend places you visited').isChecked()).toBe(true);
      await check(page, '07-preferences');
      await page.getByRole('link', { name: 'Your recommendations' }).click();
      await page.waitForURL(`${preferences}/recommendations`);
      expect(await page.locator('blockquote.quote').textContent()).toBe(text);
      await check(page, '08-my-recommendations');
      await page.getByRole('button', { name: 'Withdraw this recommendation' }).click();
      // It asks first; "Yes, withdraw it" acts.
      await page.locator('h1', { hasText: 'Withdraw your recommendation?' }).waitFor();
      await check(page, '09a-withdraw-confirm');
      await page.getByRole('button', { name: 'Yes, withdraw it' }).click();
      await page.waitForURL(`${preferences}/recommendations?notice=withdrawn`);
      expect(await page.getByRole('status').textContent()).toContain('Your recommendation is withdrawn');
      expect(await page.locator('.badge').textContent()).toBe('Withdrawn');
      await check(page, '09-withdrawn');
      // The public page is cacheable for a few minutes, so ask past the browser's cache.
      const gone = await page.request.get(publicUrl);
      expect(gone.status()).toBe(410);
      expect(await gone.text()).toContain('This recommendation is no longer available');
      expect(pathOf(publicUrl)).toMatch(/^\/p\//);

      expect(escaped).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a staff "Send a test" link opens the real page marked as a test, where nothing can be approved', async () => {
    const context = await browser.newContext({ ...PHONE });
    await confine(context);
    const page = await context.newPage();
    const token = signTestInvitation(t.config.hashKey, { campaignId, locationId: null, expiresAt: Date.now() + 3_600_000 });
    const before = Number((await db.query('SELECT count(*) AS n FROM recommendation'))[0].n);
    try {
      await page.goto(`${base}/i/${token}`);
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('Test invitation.');
      await check(page, 'test-invitation-write');
      await page.getByLabel('What would you tell a friend?').fill('Checking how the page reads before we launch.');
      await page.getByRole('button', { name: 'Preview' }).click();
      await expect(page.locator('main').textContent()).resolves.toContain('A test can’t be approved.');
      expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      await check(page, 'test-invitation-preview');
    } finally {
      await context.close();
    }
    expect(Number((await db.query('SELECT count(*) AS n FROM recommendation'))[0].n)).toBe(before);
  });

  it('works with JavaScript switched off: write → preview → approve → share page with the X link', async () => {
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    await confine(context);
    const page = await context.newPage();
    try {
      const { invite } = links.get('bo')!;
      await page.goto(invite);
      expect(await page.locator('h1').textContent()).toBe('Thank you, Bo');
      const textarea = page.getByLabel('What would you tell a friend?');
      expect(await textarea.inputValue()).toBe(BO_COMMENT);
      expect(await page.locator('#x-count').textContent()).toBe(''); // no live counter without the script
      const text = `${BO_COMMENT} No surprises on the bill.`;
      await textarea.fill(text);
      await page.getByLabel('WhatsApp').uncheck();
      await page.screenshot({ path: join(SCREENSHOTS, 'advocate-nojs-01-write.png'), fullPage: true });

      await page.getByRole('button', { name: 'Preview' }).click();
      await page.waitForURL(`${invite}/preview`);
      expect(await page.locator('h1').textContent()).toBe('Check your recommendation');
      expect(await page.locator('[data-x-length]').textContent()).toMatch(/^\d+ of 280 characters, as X counts them/);
      expect(await page.locator('section[aria-label="Preview for WhatsApp"]').count()).toBe(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'advocate-nojs-02-preview.png'), fullPage: true });
      await page.getByLabel(/I wrote this/).check();
      await page.getByRole('button', { name: 'Approve' }).click();

      await page.waitForURL(`${invite}?notice=approved`);
      expect(await page.locator('h1').textContent()).toBe('Share your recommendation');
      expect(await page.locator('blockquote.quote').textContent()).toBe(text);
      const xUrl = new URL((await page.locator('a[data-channel="x"]').getAttribute('href'))!);
      expect(xUrl.origin + xUrl.pathname).toBe('https://x.com/intent/post');
      expect(xUrl.searchParams.get('text')).toBe(text);
      expect(xUrl.searchParams.get('url')).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')}/r/[A-Za-z0-9_-]{12}$`));
      expect(await page.locator('a[data-channel="whatsapp"]').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Copy' }).isVisible()).toBe(false); // only the script shows it
      expect(await page.getByLabel('Copy and paste it anywhere').inputValue()).toContain(text);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'advocate-nojs-03-share.png'), fullPage: true });

      expect(escaped).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
