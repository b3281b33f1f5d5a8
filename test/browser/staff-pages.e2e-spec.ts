import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { navFor } from '../../src/web/staff-page';
import { cliActor } from '../../src/common/actor';
import { LocationsService } from '../../src/locations/locations.service';
import { UsersService } from '../../src/users/users.service';
import { createTestApp, TestApp } from '../support/app';
import { horizontalOverflow, launchChromium, PHONE, SCREENSHOTS, seriousViolations } from '../support/browser';

const ADMIN = { email: 'demo.admin@browser.example', password: 'demo-admin-password-1' };

describe('staff pages in a real browser (phone viewport)', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `staff-${name}.png`), fullPage: true });

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    await t.app.get(UsersService).create(cliActor('test'), { email: ADMIN.email, role: 'admin', password: ADMIN.password });
    await t.app.get(LocationsService).create(cliActor('test'), { code: 'BRW-001', name: 'Browser Town Motors', city: 'Springfield' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchChromium();
    context = await browser.newContext(PHONE);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('signs in, creates a location, invites a user, creates and revokes an API key', async () => {
    // Sign-in page: accessible and phone-sized.
    await page.goto(`${base}/dashboard`);
    await page.waitForURL(/\/login\?next=%2Fdashboard$/);
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shot('01-login');

    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid email or password');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);

    // Dashboard.
    expect(await page.locator('h1').textContent()).toBe('Home');
    // One card per section an admin may use (every capability adds its own to the navigation).
    const adminSections = navFor('admin').filter((i) => i.section !== 'dashboard').map((i) => i.label);
    expect(await page.locator('.cards h3').allTextContents()).toEqual(adminSections);
    expect(adminSections).toEqual(expect.arrayContaining(['Locations', 'Users', 'API keys', 'Settings']));
    expect(await seriousViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shot('02-dashboard');

    // Keyboard: the skip link comes first and focus is visible.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).not.toBe('none');

    // Create a location.
    await page.getByRole('link', { name: 'Locations', exact: true }).first().click();
    await page.getByRole('link', { name: 'Add a location' }).click();
    await page.getByLabel('Code').fill('brw-002');
    await page.getByLabel('Name').fill('Riverside <Motors>');
    await page.getByLabel('City').fill('Shelbyville');
    await page.getByLabel('Time zone').fill('America/Chicago');
    await shot('03-location-form');
    await page.getByRole('button', { name: 'Add location' }).click();
    await page.waitForURL(`${base}/dashboard/locations/BRW-002?notice=created`);
    expect(await page.locator('h1').textContent()).toBe('Riverside <Motors>');
    expect(await page.getByRole('status').textContent()).toBe('Location created.');
    expect(await seriousViolations(page)).toEqual([]);
    await shot('04-location-created');

    // Invite a dealer for that location.
    await page.goto(`${base}/dashboard/users`);
    await page.getByLabel('Email address').fill('new.dealer@browser.example');
    await page.getByLabel('Role').selectOption('dealer');
    await page.getByLabel('BRW-002 · Riverside <Motors>').check();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.waitForURL(`${base}/dashboard/users?notice=invited`);
    expect(await page.getByRole('status').textContent()).toContain('Invitation sent');
    const row = page.locator('tr', { hasText: 'new.dealer@browser.example' });
    expect(await row.locator('td').nth(2).textContent()).toBe('BRW-002');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shot('05-users');

    // Create an API key: shown once.
    await page.goto(`${base}/dashboard/api-keys`);
    await page.getByLabel('Name').fill('Survey webhook');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('Key for “Survey webhook”').inputValue();
    expect(key).toMatch(/^gw_[A-Za-z0-9_-]{43}$/);
    expect(await page.locator('body').textContent()).toContain("won't be shown again");
    expect(await seriousViolations(page)).toEqual([]);
    await shot('06-api-key-created');
    await page.getByRole('link', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(key);

    // Revoke it.
    await page.getByRole('button', { name: 'Revoke Survey webhook' }).click();
    await page.waitForURL(`${base}/dashboard/api-keys?notice=revoked`);
    expect(await page.getByRole('status').textContent()).toContain('API key revoked');
    expect(await page.locator('tr', { hasText: 'Survey webhook' }).textContent()).toMatch(/Revoked \d{4}-\d\d-\d\d/);
    expect(await seriousViolations(page)).toEqual([]);
    await shot('07-api-key-revoked');

    // Sign out: at the foot of the menu, behind the menu button on a phone.
    await page.getByText('Menu', { exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/login?notice=signed-out`);
    expect(await page.getByRole('status').textContent()).toBe('You have signed out.');
  });
});
