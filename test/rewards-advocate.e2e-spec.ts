import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Invitation } from '../src/invitations/invitation.entity';
import { InvitationTokens } from '../src/invitations/invitation-tokens.service';
import { PreferencesService } from '../src/preferences/preferences.service';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { Recommendation } from '../src/recommendations/recommendation.entity';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { RewardOffer } from '../src/rewards/reward-offer.entity';
import { checkXStatus, composeXStatus } from '../src/sharing/x/x-status';
import { ALL_DAY, seedCustomers, seedLocation, staffHeader } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { alertText, decodeHtml, FormBrowser } from './support/form-browser';

const PUBLIC_URL = 'https://advocates.example.com';
const BRAND = 'Acme Motors';
const DISCLOSURE = `I received a thank-you gift from ${BRAND} for sharing my experience.`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Rewards on the advocate's page (issue #16, step 2): an unticked opt-in box; when ticked, the disclosure
 * is the first line of the approved text and so of its X count, intent links, public page and card, and a
 * code is reserved in the approval's transaction; when the gifts ran out, nothing is approved until the
 * customer approves without gift and without disclosure.
 */
describe.each<Dialect>(['postgres', 'sqlite'])('rewards on the advocate’s page on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let marketer: Record<string, string>;
  let campaignId: string;
  const people = ['ann', 'bob', 'cid', 'dee', 'eli', 'flo'];
  const customers = new Map<string, string>();
  const invites = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { PUBLIC_URL, BRAND_NAME: BRAND } });
    db = t.app.get(DataSource);
    marketer = (await staffHeader(t.app, 'marketer')).headers;
    const location = await seedLocation(t.app, 'DLR-001', 'Downtown Motors');
    const ids = await seedCustomers(db, people.map((p) => ({ email: `${p}@example.com`, name: `${p} Ode`, score: 10, consent: true, location })));
    campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers: marketer, payload: { name: 'Thanks', sendingHours: ALL_DAY } })).json().id;
    for (const [i, who] of people.entries()) {
      const invitationId = randomUUID();
      await db.getRepository(Invitation).insert({ id: invitationId, campaignId, customerId: ids[i], locationId: location.id, status: 'sent', sentAt: new Date() });
      customers.set(who, ids[i]);
      invites.set(who, `/i/${await t.app.get(InvitationTokens).issue(invitationId)}`);
    }
    const offer = await t.app.inject({
      method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers: marketer,
      payload: { description: 'a free car wash', terms: 'Any branch.', budget: 3, codeSource: 'generated', codePrefix: 'WASH' },
    });
    expect(offer.statusCode).toBe(201);
  });
  afterAll(() => t?.close());

  const recommendationOf = (who: string) => db.getRepository(Recommendation).findOneBy({ customerId: customers.get(who)! });
  const codesOf = (who: string) => db.getRepository(RewardCode).findBy({ customerId: customers.get(who)! });

  it('offers the gift in its own box, unticked, even to a customer who opted in before', async () => {
    const prefToken = await t.app.get(PreferenceTokens).reveal(customers.get('ann')!);
    await t.app.get(PreferencesService).update(prefToken, { rewards: true });
    const page = await new FormBrowser(t.app).get(invites.get('ann')!);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<input type="checkbox" id="reward" name="reward" value="yes" aria-describedby="reward-hint" data-disclosure="[^"]+">/);
    expect(decodeHtml(page.body)).toContain(`your recommendation starts with this line, as the law asks: “${DISCLOSURE}”`);
  });

  it('not ticked: no gift, no disclosure, nothing else changes', async () => {
    const browser = new FormBrowser(t.app);
    await browser.get(invites.get('ann')!);
    const approved = await browser.post(`${invites.get('ann')}/approve`, { text: 'Ann: quick and kind.', channels: ['x'], confirm: 'yes' });
    expect(approved.statusCode).toBe(303);
    const rec = (await recommendationOf('ann'))!;
    expect(rec).toMatchObject({ text: 'Ann: quick and kind.', rewardAccepted: false });
    expect(await codesOf('ann')).toEqual([]);
    expect((await db.getRepository(RewardOffer).findOneByOrFail({ campaignId })).reserved).toBe(0);
  });

  it('ticked: the disclosure comes first in the preview, its X count, the approved text, the intent links, /p/:id and its card; a code is reserved', async () => {
    const browser = new FormBrowser(t.app);
    const invite = invites.get('bob')!;
    await browser.get(invite);
    const words = 'Bob: they fixed it the same day.';
    const expected = `${DISCLOSURE}\n\n${words}`;
    const xCount = checkXStatus(composeXStatus(expected, `${PUBLIC_URL}/r/${'x'.repeat(12)}`)).weightedLength;

    const preview = await browser.post(`${invite}/preview`, { text: words, channels: ['x', 'whatsapp'], reward: 'yes' });
    expect(preview.statusCode).toBe(200);
    expect(decodeHtml(preview.body)).toContain(`<blockquote class="quote">${expected}</blockquote>`);
    expect(preview.body).toContain(`data-x-length="${xCount}"`);
    const counter = await t.app.inject({ method: 'POST', url: '/x-length', payload: { text: words, disclosure: DISCLOSURE } });
    expect(counter.json().weightedLength).toBe(xCount);

    const approved = await browser.post(`${invite}/approve`, { text: words, channels: ['x', 'whatsapp'], reward: 'yes', confirm: 'yes' });
    expect(approved.statusCode).toBe(303);
    const rec = (await recommendationOf('bob'))!;
    expect(rec).toMatchObject({ text: expected, textHash: sha256(expected), rewardAccepted: true });

    const [code] = await codesOf('bob');
    expect(code).toMatchObject({ status: 'issued', recommendationId: rec.id, locationId: rec.locationId });
    expect(code.code).toMatch(/^WASH-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{5}$/);
    expect((await db.getRepository(RewardOffer).findOneByOrFail({ campaignId })).reserved).toBe(1);
    expect(await t.app.get(PreferencesService).rewardsOptIn(customers.get('bob')!)).toBe(true);

    const share = decodeHtml((await browser.get(String(approved.headers.location))).body);
    const xIntent = /https:\/\/x\.com\/intent\/post\?text=([^&"]+)/.exec(share)![1];
    expect(decodeURIComponent(xIntent)).toBe(expected);
    const whatsapp = /https:\/\/wa\.me\/\?text=([^"&]+)/.exec(share)![1];
    expect(decodeURIComponent(whatsapp).startsWith(`${DISCLOSURE}\n\n${words}`)).toBe(true);

    const page = await t.app.inject({ method: 'GET', url: `/p/${rec.id}` });
    const html = decodeHtml(page.body);
    expect(html.indexOf(DISCLOSURE)).toBeLessThan(html.indexOf(words));
    for (const tag of ['property="og:description"', 'name="twitter:description"']) {
      expect(html).toContain(`<meta ${tag} content="${DISCLOSURE} ${words}"`);
    }
  });

  it('when the gifts ran out after the preview, approves nothing, says so, and approves without gift and disclosure on request', async () => {
    // Budget 3, one code out: two more advocates take the rest while Cid is on his preview.
    const cid = new FormBrowser(t.app);
    await cid.get(invites.get('cid')!);
    const preview = await cid.post(`${invites.get('cid')}/preview`, { text: 'Cid: great.', channels: ['x'], reward: 'yes' });
    expect(decodeHtml(preview.body)).toContain(`${DISCLOSURE}\n\nCid: great.`);
    for (const who of ['dee', 'eli']) {
      const b = new FormBrowser(t.app);
      await b.get(invites.get(who)!);
      expect((await b.post(`${invites.get(who)}/approve`, { text: `${who}: fine.`, channels: ['x'], reward: 'yes', confirm: 'yes' })).statusCode).toBe(303);
    }
    expect((await db.getRepository(RewardOffer).findOneByOrFail({ campaignId })).reserved).toBe(3);

    const refused = await cid.post(`${invites.get('cid')}/approve`, { text: 'Cid: great.', channels: ['x'], reward: 'yes', confirm: 'yes' });
    expect(refused.statusCode).toBe(409);
    expect(alertText(refused.body)).toContain('the thank-you gifts have run out');
    expect(await recommendationOf('cid')).toBeNull();
    expect(await codesOf('cid')).toEqual([]);
    // The page now shows the text as it would be approved: no disclosure, and no gift asked for.
    expect(decodeHtml(refused.body)).toContain('<blockquote class="quote">Cid: great.</blockquote>');
    expect(refused.body).not.toContain('name="reward" value="yes"');

    const approved = await cid.post(`${invites.get('cid')}/approve`, { text: 'Cid: great.', channels: ['x'], confirm: 'yes' });
    expect(approved.statusCode).toBe(303);
    expect(await recommendationOf('cid')).toMatchObject({ text: 'Cid: great.', rewardAccepted: false });
  });

  it('stops offering the gift once none is left, and the database never went past the budget', async () => {
    const page = await new FormBrowser(t.app).get(invites.get('flo')!);
    expect(page.body).not.toContain('id="reward"');
    expect(await db.getRepository(RewardCode).countBy({ offerId: (await db.getRepository(RewardOffer).findOneByOrFail({ campaignId })).id })).toBe(3);
    const disclosed = await db.getRepository(Recommendation).findBy({ rewardAccepted: true });
    expect(disclosed.every((r) => r.text!.startsWith(`${DISCLOSURE}\n\n`))).toBe(true);
    expect(disclosed).toHaveLength(3);
  });

  it('offers nothing to a customer who turned rewards off on their preference page', async () => {
    await db.getRepository(RewardOffer).update({ campaignId }, { budget: 10 });
    expect((await new FormBrowser(t.app).get(invites.get('flo')!)).body).toContain('id="reward"');
    const flo = customers.get('flo')!;
    const token = await t.app.get(PreferenceTokens).reveal(flo);
    await t.app.get(PreferencesService).update(token, { rewards: true });
    await t.app.get(PreferencesService).update(token, { rewards: false });
    expect((await new FormBrowser(t.app).get(invites.get('flo')!)).body).not.toContain('id="reward"');
  });
});
