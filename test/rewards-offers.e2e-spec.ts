import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { RewardOffer } from '../src/rewards/reward-offer.entity';
import { PASSWORD, seedCustomers, seedLocation, setup, staffHeader } from './campaign-fixtures';
import { alertText, decodeHtml, FormBrowser, multipart } from './support/form-browser';
import { createTestApp, Dialect, TestApp } from './support/app';
import { UsersService } from '../src/users/users.service';

/** Reward offers (issue #16, step 1): the staff API and page, pool uploads, and what may change once a code is out. */
describe.each<Dialect>(['postgres', 'sqlite'])('reward offers API on %s', (dialect) => {
  let t: TestApp;
  let marketer: Record<string, string>;
  let dealer: Record<string, string>;
  let campaignId: string;
  let otherCampaignId: string;
  let customerId: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const location = await seedLocation(t.app, 'DLR-001', 'Downtown');
    await seedLocation(t.app, 'DLR-002', 'Riverside');
    [customerId] = await seedCustomers(t.app.get(DataSource), [{ email: 'ana@example.com', score: 10, consent: true, location }]);
    marketer = (await staffHeader(t.app, 'marketer')).headers;
    dealer = (await staffHeader(t.app, 'dealer', ['DLR-002'])).headers;
    const create = (name: string, locations: string[]) =>
      t.app.inject({ method: 'POST', url: '/api/campaigns', headers: marketer, payload: { name, locations } }).then((r) => r.json().id as string);
    campaignId = await create('Thank-you round', ['DLR-001']);
    otherCampaignId = await create('Pool round', ['DLR-001']);
  });
  afterAll(() => t?.close());

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = marketer) =>
    t.app.inject({ method, url, headers, payload });

  it('makes an offer with generated codes and the default disclosure line, once per campaign', async () => {
    expect((await api('GET', `/api/campaigns/${campaignId}/reward-offer`)).statusCode).toBe(404);
    const res = await api('POST', `/api/campaigns/${campaignId}/reward-offer`, { description: 'a free car wash', budget: 2, codeSource: 'generated', codePrefix: 'wash' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      campaignId, description: 'a free car wash', terms: '', expiresAt: null, budget: 2, issued: 0, remaining: 2,
      codeSource: 'generated', codePrefix: 'WASH', poolAvailable: null, locked: false,
      disclosure: 'I received a thank-you gift from {brand} for sharing my experience.',
      disclosureText: `I received a thank-you gift from ${t.config.brandName} for sharing my experience.`,
    });
    const again = await api('POST', `/api/campaigns/${campaignId}/reward-offer`, { description: 'x', budget: 1, codeSource: 'generated' });
    expect(again.statusCode).toBe(409);
    const audit = await t.app.get(DataSource).getRepository(AuditEvent).findBy({ action: 'reward_offer.create' });
    expect(audit).toHaveLength(1);
  });

  it('refuses bad offers with each problem', async () => {
    const res = await api('POST', `/api/campaigns/${otherCampaignId}/reward-offer`, { description: '', budget: 0, codeSource: 'coupon', codePrefix: 'W0RD' });
    expect(res.statusCode).toBe(400);
    const messages: string[] = res.json().message;
    expect(messages).toEqual(expect.arrayContaining([
      'description must be 1-200 characters',
      'budget must not be less than 1',
      'codeSource must be one of generated, pool',
      'codePrefix must be 1-12 of A-Z and 2-9 (no 0, O, 1 or I)',
    ]));
  });

  it('lets dealers read offers of campaigns they may see, and nothing else', async () => {
    expect((await api('GET', `/api/campaigns/${campaignId}/reward-offer`, undefined, dealer)).statusCode).toBe(404);
    expect((await api('PATCH', `/api/campaigns/${campaignId}/reward-offer`, { budget: 5 }, dealer)).statusCode).toBe(403);
  });

  it('changes anything while no code is out', async () => {
    const res = await api('PATCH', `/api/campaigns/${campaignId}/reward-offer`, { description: 'a free premium car wash', terms: 'Any location.', expiresAt: '2027-06-30T00:00:00Z' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ description: 'a free premium car wash', terms: 'Any location.', expiresAt: '2027-06-30T00:00:00.000Z', budget: 2 });
  });

  it('once a code is issued, allows only a larger budget and a later expiry, and can no longer be removed', async () => {
    const db = t.app.get(DataSource);
    const offer = await db.getRepository(RewardOffer).findOneByOrFail({ campaignId });
    await db.getRepository(RewardOffer).update(offer.id, { reserved: 1 });
    await db.getRepository(RewardCode).insert({ offerId: offer.id, code: 'WASH-TEST-CODE-ABCDE', status: 'issued', customerId, issuedAt: new Date() });

    const url = `/api/campaigns/${campaignId}/reward-offer`;
    const refused = await api('PATCH', url, { description: 'a cheaper wash', budget: 10 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message[0]).toMatch(/only a larger budget or a later expiry\): description$/);
    expect((await api('PATCH', url, { budget: 1 })).json().message).toEqual(['A code has been issued: the budget can grow but not shrink']);
    expect((await api('PATCH', url, { expiresAt: '2027-01-01T00:00:00Z' })).statusCode).toBe(409);
    expect((await api('PATCH', url, { disclosure: 'Thanks to {brand} I got a gift.' })).statusCode).toBe(409);
    expect((await api('PATCH', url, { codeSource: 'pool' })).statusCode).toBe(409);
    expect((await api('DELETE', url)).statusCode).toBe(409);

    const grown = await api('PATCH', url, { budget: 10, expiresAt: '2027-12-31T00:00:00Z' });
    expect(grown.statusCode).toBe(200);
    expect(grown.json()).toMatchObject({ budget: 10, issued: 1, remaining: 9, expiresAt: '2027-12-31T00:00:00.000Z', description: 'a free premium car wash', locked: true });
    // No expiry is the latest there is.
    expect((await api('PATCH', url, { expiresAt: null })).json().expiresAt).toBeNull();
  });

  it('keeps the budget at or above the codes issued in the database itself', async () => {
    const repo = t.app.get(DataSource).getRepository(RewardOffer);
    const offer = await repo.findOneByOrFail({ campaignId });
    await expect(repo.update(offer.id, { reserved: offer.budget + 1 })).rejects.toThrow(/ck_reward_offer_budget|CHECK constraint failed/);
  });

  it('uploads a pool all or nothing, naming the lines of blanks, duplicates and known codes', async () => {
    const url = `/api/campaigns/${otherCampaignId}/reward-offer`;
    expect((await api('POST', url, { description: 'a coffee', budget: 3, codeSource: 'pool' })).statusCode).toBe(201);
    const upload = (content: string) => {
      const { payload, headers } = multipart('file', 'codes.csv', content);
      return t.app.inject({ method: 'POST', url: `${url}/codes`, headers: { ...marketer, ...headers }, payload });
    };
    const bad = await upload('code\nCOFFEE-1\n\nCOFFEE-2\ncoffee-1\nWASH-TEST-CODE-ABCDE\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toEqual(['Line 3: Blank line: every line needs a code.', 'Line 5: Duplicate of line 2.', 'Line 6: This code is in use already.']);
    expect((await api('GET', url)).json()).toMatchObject({ poolAvailable: 0, remaining: 0 });

    const good = await upload('code\r\nCOFFEE-1\r\nCOFFEE-2\r\n');
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ added: 2, poolAvailable: 2 });
    expect((await api('GET', url)).json()).toMatchObject({ budget: 3, issued: 0, remaining: 2, poolAvailable: 2 });
    expect((await upload('COFFEE-2\n')).json().message).toEqual(['Line 1: This code is in use already.']);
    expect((await api('POST', url.replace(otherCampaignId, campaignId) + '/codes')).statusCode).toBe(400);
  });

  it('removes an offer no code came from, with its pool', async () => {
    const url = `/api/campaigns/${otherCampaignId}/reward-offer`;
    expect((await api('DELETE', url)).statusCode).toBe(204);
    expect((await api('GET', url)).statusCode).toBe(404);
    expect(await t.app.get(DataSource).getRepository(RewardCode).countBy({ code: 'COFFEE-1' })).toBe(0);
  });
});

describe('reward offer staff page (SQLite)', () => {
  let t: TestApp;
  let browser: FormBrowser;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    await seedLocation(t.app, 'DLR-001', 'Downtown');
    const { headers } = await staffHeader(t.app, 'marketer');
    campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { name: 'Page round' } })).json().id;
    await t.app.get(UsersService).create(setup, { email: 'page-marketer@example.com', role: 'marketer', password: PASSWORD });
    browser = new FormBrowser(t.app);
    expect((await browser.signIn('page-marketer@example.com', PASSWORD)).statusCode).toBe(303);
  });
  afterAll(() => t?.close());

  it('is reached from the campaign page', async () => {
    const page = await browser.get(`/dashboard/campaigns/${campaignId}`);
    expect(page.body).toContain(`href="/dashboard/campaigns/${campaignId}/reward"`);
  });

  it('makes an offer from the form, showing the problems first', async () => {
    const pageUrl = `/dashboard/campaigns/${campaignId}/reward`;
    const empty = await browser.get(pageUrl);
    expect(empty.body).toContain('This campaign has no reward offer.');
    const bad = await browser.submit(pageUrl, pageUrl, { description: '', budget: '0', codeSource: 'pool' });
    expect(bad.statusCode).toBe(400);
    expect(alertText(bad.body)).toMatch(/What the advocate gets must be 1-200 characters/);
    expect(alertText(bad.body)).toMatch(/Budget must not be less than 1/);

    const saved = await browser.submit(pageUrl, pageUrl, { description: 'a <free> coffee', budget: '50', codeSource: 'pool', expiresAt: '2027-03-01T12:00', disclosure: '' });
    expect(saved.statusCode).toBe(303);
    const page = await browser.get(String(saved.headers.location));
    expect(page.body).toContain('a &lt;free&gt; coffee');
    expect(page.body).toContain('2027-03-01 12:00 UTC');
    expect(decodeHtml(page.body)).toContain(`I received a thank-you gift from ${t.config.brandName} for sharing my experience.`);
    expect(page.body).toContain('Add codes to the pool');
  });

  it('uploads pool codes, and lists a refused file’s lines', async () => {
    await browser.get(`/dashboard/campaigns/${campaignId}/reward`);
    const url = `/dashboard/campaigns/${campaignId}/reward/codes?_csrf=${encodeURIComponent(browser.lastToken!)}`;
    const bad = await browser.upload(url, 'codes.csv', 'A-100\n\nA-100\n');
    expect(bad.statusCode).toBe(400);
    expect(alertText(bad.body)).toBe('Nothing was added: Line 2: Blank line: every line needs a code. Line 3: Duplicate of line 1.');
    await browser.get(`/dashboard/campaigns/${campaignId}/reward`);
    const good = await browser.upload(`/dashboard/campaigns/${campaignId}/reward/codes?_csrf=${encodeURIComponent(browser.lastToken!)}`, 'codes.csv', 'A-100\nA-101\n');
    expect(good.statusCode).toBe(303);
    const page = await browser.get(String(good.headers.location));
    expect(page.body).toContain('from an uploaded pool (2 not issued yet)');
  });
});
