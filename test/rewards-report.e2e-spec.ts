import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Invitation } from '../src/invitations/invitation.entity';
import { InvitationTokens } from '../src/invitations/invitation-tokens.service';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { RewardOffer } from '../src/rewards/reward-offer.entity';
import { ALL_DAY, PASSWORD, seedCustomers, seedLocation, staffHeader } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';

/** Issue #16 step 6: rewards per campaign and location, as JSON, CSV and on the offer page; dealers see their locations only. */
describe.each<Dialect>(['postgres', 'sqlite'])('rewards report on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let marketer: Record<string, string>;
  let dealer: Record<string, string>;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    marketer = (await staffHeader(t.app, 'marketer')).headers;
    const one = await seedLocation(t.app, 'DLR-001', 'Downtown');
    const two = await seedLocation(t.app, 'DLR-002', 'Riverside');
    await seedLocation(t.app, 'DLR-003', 'Elsewhere');
    dealer = (await staffHeader(t.app, 'dealer', ['DLR-002'])).headers;
    const plan = [
      { location: one, reward: true }, { location: one, reward: true }, { location: one, reward: false }, { location: one, reward: true },
      { location: two, reward: true }, { location: two, reward: true },
    ];
    const ids = await seedCustomers(db, plan.map((p, i) => ({ email: `r${i}@example.com`, score: 10, consent: true, location: p.location })));
    campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers: marketer, payload: { name: 'Report round', locations: ['DLR-001', 'DLR-002'], sendingHours: ALL_DAY } })).json().id;
    await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers: marketer, payload: { description: 'a coffee', budget: 10, codeSource: 'generated' } });
    for (const [i, p] of plan.entries()) {
      const id = randomUUID();
      await db.getRepository(Invitation).insert({ id, campaignId, customerId: ids[i], locationId: p.location.id, status: 'sent', sentAt: new Date() });
      const invite = `/i/${await t.app.get(InvitationTokens).issue(id)}`;
      const browser = new FormBrowser(t.app);
      await browser.get(invite);
      const answer = await browser.post(`${invite}/approve`, { text: `Customer ${i}: nice.`, channels: ['x'], confirm: 'yes', ...(p.reward ? { reward: 'yes' } : {}) });
      expect(answer.statusCode).toBe(303);
    }
    const codes = await db.getRepository(RewardCode).find({ order: { issuedAt: 'ASC' } });
    const [first, , , fourth] = codes; // DLR-001, DLR-001, DLR-001, DLR-002
    expect((await t.app.inject({ method: 'POST', url: '/api/rewards/redeem', headers: marketer, payload: { code: first.code } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/rewards/codes/${fourth.code}/void`, headers: marketer, payload: { reason: 'Duplicate account' } })).statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  const report = (headers: Record<string, string>, query = '') => t.app.inject({ method: 'GET', url: `/api/campaigns/${campaignId}/reward-offer/report${query}`, headers });

  it('counts per location and in total, with the budget left', async () => {
    const res = await report(marketer);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      campaignId, offered: 6, optedIn: 5, issued: 5, redeemed: 1, expired: 0, voided: 1, remainingBudget: 5,
      locations: [
        { code: 'DLR-001', name: 'Downtown', offered: 4, optedIn: 3, issued: 3, redeemed: 1, expired: 0, voided: 0 },
        { code: 'DLR-002', name: 'Riverside', offered: 2, optedIn: 2, issued: 2, redeemed: 0, expired: 0, voided: 1 },
      ],
    });
  });

  it('answers CSV: one row per location, then the total with the budget left', async () => {
    const csv = await report(marketer, '?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.trim().split(/\r?\n/)).toEqual([
      'code,name,offered,optedIn,issued,redeemed,expired,voided,remainingBudget',
      'DLR-001,Downtown,4,3,3,1,0,0,',
      'DLR-002,Riverside,2,2,2,0,0,1,',
      'ALL,All your locations,6,5,5,1,0,1,5',
    ]);
  });

  it('shows dealers their own locations only', async () => {
    const res = await report(dealer);
    expect(res.json()).toMatchObject({ offered: 2, optedIn: 2, issued: 2, voided: 1, redeemed: 0 });
    expect(res.json().locations.map((l: { code: string }) => l.code)).toEqual(['DLR-002']);
  });

  it('lets staff void an issued code of this campaign on the offer page, with a reason (audited); a wrong code is refused', async () => {
    const { email } = await staffHeader(t.app, 'marketer');
    const browser = new FormBrowser(t.app);
    await browser.signIn(email, PASSWORD);
    const page = `/dashboard/campaigns/${campaignId}/reward`;
    const target = (await db.getRepository(RewardCode).find({ where: { status: 'issued' }, order: { issuedAt: 'ASC' } }))[0];
    const tooShort = await browser.submit(page, `${page}/void`, { code: target.code, reason: 'x' });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.body).toContain('reason must be 3-300 characters');
    const unknown = await browser.submit(page, `${page}/void`, { code: 'WASH-NOPE-NOPE-NOPEX', reason: 'Issued by mistake' });
    expect(unknown.statusCode).toBe(404);
    const done = await browser.submit(page, `${page}/void`, { code: target.code, reason: 'Issued by mistake' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${page}?notice=voided`);
    expect(await db.getRepository(RewardCode).findOneByOrFail({ id: target.id })).toMatchObject({ status: 'voided', voidReason: 'Issued by mistake' });
    const audits = await db.query(`SELECT subject_id, details FROM audit_event WHERE action = 'reward.void'`);
    expect(audits.map((a: { subject_id: string }) => a.subject_id)).toContain(target.id);
    expect(JSON.stringify(audits.map((a: { details: unknown }) => a.details))).not.toContain('Issued by mistake');
    // The page lists it with its reason (escaped like all staff text), for those who may void.
    const listed = (await browser.get(done.headers.location as string)).body;
    expect(listed).toContain('The code was voided.');
    expect(listed).toMatch(new RegExp(`<h2 id="voided-heading">Recently voided</h2>[\\s\\S]*<code>${target.code}</code>[^<]*<span class="hint">· voided [^<]+</span><br>Issued by mistake`));
    const again = await browser.submit(page, `${page}/void`, { code: target.code, reason: 'Issued by mistake' });
    expect(again.statusCode).toBe(409);
    // Dealers read the page but get no form, and the route refuses them.
    const dealerBrowser = new FormBrowser(t.app);
    const dealerLogin = await staffHeader(t.app, 'dealer', ['DLR-001']);
    await dealerBrowser.signIn(dealerLogin.email, PASSWORD);
    const dealerPage = (await dealerBrowser.get(page)).body;
    expect(dealerPage).not.toContain('Void a code');
    expect(dealerPage).not.toContain('Recently voided');
    expect(dealerPage).not.toContain('Issued by mistake');
  });

  it('counts issued codes not used by the expiry as expired', async () => {
    await db.getRepository(RewardOffer).update({ campaignId }, { expiresAt: new Date(Date.now() - 1000) });
    const res = (await report(marketer)).json();
    // One DLR-001 code was voided on the offer page above.
    expect(res).toMatchObject({ issued: 5, redeemed: 1, voided: 2, expired: 2 });
    expect(res.locations.map((l: { expired: number }) => l.expired)).toEqual([1, 1]);
  });
});

describe('rewards report on the offer page (SQLite)', () => {
  it('is shown with its CSV link', async () => {
    const t = await createTestApp({ dialect: 'sqlite' });
    try {
      await seedLocation(t.app, 'DLR-001', 'Downtown');
      const headers = (await staffHeader(t.app, 'marketer')).headers;
      const campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { name: 'Page' } })).json().id;
      await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers, payload: { description: 'a coffee', budget: 3, codeSource: 'generated' } });
      const page = await t.app.inject({ method: 'GET', url: `/dashboard/campaigns/${campaignId}/reward`, headers: { ...headers, accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`href="/api/campaigns/${campaignId}/reward-offer/report?format=csv"`);
      expect(page.body).toContain('<tr><th scope="row">DLR-001 · Downtown</th><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>');
      expect(page.body).toContain('3 codes can still be issued');
    } finally {
      await t.close();
    }
  });
});
