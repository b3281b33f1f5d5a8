import { createServer } from 'node:net';
import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Campaign } from '../../src/campaigns/campaign.entity';
import { cliActor } from '../../src/common/actor';
import { Customer } from '../../src/customers/customer.entity';
import { DemoSeedService } from '../../src/demo/demo-seed.service';
import { RewardCode } from '../../src/rewards/reward-code.entity';
import { checkXStatus, composeXStatus } from '../../src/sharing/x/x-status';
import { linkIn, sendsRecorded, staffHeader, waitFor } from '../campaign-fixtures';
import { createTestApp, TestApp } from '../support/app';
import { launchChromium, PHONE, seriousViolations } from '../support/browser';
import { outboxEmails } from '../support/outbox';

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
 * Issue #16 "done when": the demo campaign issues a reward end to end in a real browser. demo:seed, launch the
 * demo campaign, follow an invitation from the outbox; the thank-you box starts unticked; ticking it puts the
 * disclosure first in the live X count and the preview; approving reserves a code, which arrives by email and
 * is on the preference page.
 */
describe('a reward from the demo campaign, in a real browser (SQLite, email files)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const emails = () => outboxEmails(t.config.dataDir);

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ dialect: 'sqlite', env: { PUBLIC_URL: base } });
    await t.app.listen({ port, host: '127.0.0.1' });
    await t.app.get(DemoSeedService).seed(cliActor('demo:seed'));
    const marketer = (await staffHeader(t.app, 'marketer')).headers;
    const demo = await t.app.get(DataSource).getRepository(Campaign).findOneByOrFail({ name: 'Demo: good words from our promoters' });
    expect((await t.app.inject({ method: 'POST', url: `/api/campaigns/${demo.id}/launch`, headers: marketer })).statusCode).toBe(200);
    await waitFor(() => emails().some((eml) => eml.includes('Demo Motors') && /^Subject: .*would you put in a good word/m.test(eml) && !eml.includes('advocates.example.com')), 'an invitation of the demo campaign', 30_000);
    await sendsRecorded(t.app.get(DataSource));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('ticks the thank-you, sees the disclosure first, approves, and gets the code by email and on the preference page', async () => {
    const eml = emails().find((e) => /^Subject: .*would you put in a good word/m.test(e) && !e.includes('advocates.example.com'))!;
    const to = /^To: (.+)$/m.exec(eml)![1].trim();
    const invite = linkIn(eml.replace(/=\r?\n/g, ''), 'i');
    const context = await browser.newContext({ ...PHONE });
    const page = await context.newPage();
    try {
      await page.goto(invite);
      const box = page.getByLabel('Yes, I’d like a free car wash');
      expect(await box.isChecked()).toBe(false);
      const disclosure = (await box.getAttribute('data-disclosure'))!;
      expect(disclosure).toMatch(/^I received a thank-you gift from .+ for sharing my experience\.$/);
      const textarea = page.locator('#text');
      const words = 'Friendly people and a fair price.';
      await textarea.fill(words);
      await page.getByLabel('X', { exact: true }).check();
      const countFor = (text: string) => checkXStatus(composeXStatus(text, `${base}/r/abcdefghijkl`)).weightedLength;
      await page.locator('#x-count', { hasText: `For X: ${countFor(words)} of 280` }).waitFor();
      await box.check();
      await page.locator('#x-count', { hasText: `For X: ${countFor(`${disclosure}\n\n${words}`)} of 280` }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Preview' }).click();
      await page.waitForURL(`${invite}/preview`);
      expect(await page.locator('blockquote.quote').first().textContent()).toBe(`${disclosure}\n\n${words}`);
      await page.getByLabel(/I wrote this/).check();
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL(/\?notice=approved$/);

      const customer = await t.app.get(DataSource).getRepository(Customer).findOneByOrFail({ email: to });
      const code = (await waitFor(() => t.app.get(DataSource).getRepository(RewardCode).findOneBy({ customerId: customer.id }), 'the code'))!;
      expect(code.code).toMatch(/^WASH-/);
      const mail = (await waitFor(() => emails().find((e) => e.includes(`To: ${to}`) && /^Subject: Your thank-you/m.test(e)) ?? null, 'the code email'))!;
      expect(mail.replace(/=\r?\n/g, '')).toContain(code.code);
      const rewardsPage = linkIn(mail.replace(/=\r?\n/g, '').replace(/\/rewards\b/, ''), 'preferences') + '/rewards';
      await page.goto(rewardsPage);
      expect(await page.locator('.reward-code').first().textContent()).toBe(code.code);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
