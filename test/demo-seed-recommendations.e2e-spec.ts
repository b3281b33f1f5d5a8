import { DataSource, In } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { Campaign } from '../src/campaigns/campaign.entity';
import { cliActor } from '../src/common/actor';
import { Customer } from '../src/customers/customer.entity';
import { DEMO_LOCATIONS, DEMO_RECOMMENDATIONS, DEMO_RECOMMENDATIONS_CAMPAIGN } from '../src/demo/demo-data';
import { FeedbackResponse } from '../src/feedback/feedback-response.entity';
import { DemoSeedService } from '../src/demo/demo-seed.service';
import { Invitation } from '../src/invitations/invitation.entity';
import { MarketingMessage } from '../src/invitations/marketing-message.entity';
import { Location } from '../src/locations/location.entity';
import { ClickEvent } from '../src/reach/click-event.entity';
import { ClickRecorder } from '../src/reach/click-recorder.service';
import { TrackedLink } from '../src/reach/tracked-link.entity';
import { VisitorSalt } from '../src/reach/visitor-salt.entity';
import { utcDay } from '../src/common/time/days';
import { Recommendation } from '../src/recommendations/recommendation.entity';
import { Share } from '../src/sharing/share.entity';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { RewardOffer } from '../src/rewards/reward-offer.entity';
import type { ReachReport } from '../src/reports/reach-reports.service';
import { waitFor } from './campaign-fixtures';
import { createTestApp, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';
import { outboxEmails } from './support/outbox';

const PUBLIC_URL = 'https://advocates.example.com';
const DAY = 86_400_000;

/**
 * `demo:seed` leaves approved recommendations, with shares and tracked links, on the public pages, and three
 * months of history behind them for the reports (both dialects: the send path differs).
 */
describe.each(['sqlite', 'postgres'] as const)('demo:seed recommendations (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let first: Awaited<ReturnType<DemoSeedService['seed']>>;

  beforeAll(async () => {
    t = await createTestApp({ dialect, env: { PUBLIC_URL } });
    db = t.app.get(DataSource);
    first = await t.app.get(DemoSeedService).seed(cliActor('demo:seed'));
  }, 60_000);

  afterAll(() => t?.close());

  const approved = () => db.getRepository(Recommendation).find({ relations: { location: true }, order: { approvedAt: 'ASC' } });

  it('approves a few dozen recommendations, at every demo location, each through a sent invitation of an ended demo campaign', async () => {
    const recs = await approved();
    expect(first.recommendations).toBe(DEMO_RECOMMENDATIONS.length);
    expect(recs).toHaveLength(first.recommendations);
    expect(recs.length).toBeGreaterThanOrEqual(20);
    expect(recs.length).toBeLessThanOrEqual(40);
    expect(new Set(recs.map((r) => r.location!.code)).size).toBe(DEMO_LOCATIONS.length);
    // Distinct customers (one invitation each, well under the cap) and distinct words.
    expect(new Set(DEMO_RECOMMENDATIONS.map((d) => d.email)).size).toBe(DEMO_RECOMMENDATIONS.length);
    expect(new Set(DEMO_RECOMMENDATIONS.map((d) => d.text)).size).toBe(DEMO_RECOMMENDATIONS.length);
    // Those who accepted the thank-you have the disclosure line first; the words are theirs either way.
    const words = (text: string) => text.replace(/^I received a thank-you gift from .+? for sharing my experience\.\n\n/, '');
    expect(recs.map((r) => words(r.text!)).sort()).toEqual(DEMO_RECOMMENDATIONS.map((d) => d.text).sort());
    for (const rec of recs) {
      const demo = DEMO_RECOMMENDATIONS.find((d) => d.text === words(rec.text!))!;
      expect(rec).toMatchObject({ withdrawnAt: null, hiddenAt: null, erasedAt: null, rewardAccepted: demo.reward === true });
      expect(rec.text !== demo.text).toBe(demo.reward === true);
      expect(demo.locationCode).toBe(rec.location!.code);
    }

    const campaign = await db.getRepository(Campaign).findOneByOrFail({ name: DEMO_RECOMMENDATIONS_CAMPAIGN });
    expect(campaign.status).toBe('ended');
    expect(campaign.launchedAt).not.toBeNull();
    const invitations = await db.getRepository(Invitation).findBy({ campaignId: campaign.id });
    expect(invitations).toHaveLength(recs.length);
    for (const rec of recs) {
      const invitation = invitations.find((i) => i.id === rec.invitationId)!;
      expect(invitation).toMatchObject({ status: 'sent', customerId: rec.customerId, locationId: rec.locationId });
      expect(invitation.sentAt).not.toBeNull();
      expect(invitation.openedAt).not.toBeNull();
      const customer = await db.getRepository(Customer).findOneByOrFail({ id: rec.customerId });
      expect(customer).toMatchObject({ latestSegment: 'promoter', marketingConsent: true, latestLocationId: rec.locationId });
    }
    // Each invitation counted against the frequency cap, like any sent one; the approval audited as the customer's.
    expect(await db.getRepository(MarketingMessage).countBy({ invitationId: In(invitations.map((i) => i.id)), kind: 'invitation' })).toBe(recs.length);
    const audits = await db.getRepository(AuditEvent).findBy({ action: 'recommendation.approve', subjectId: In(recs.map((r) => r.id)) });
    expect(audits).toHaveLength(recs.length);
    // The draft campaign for the newcomer to launch is still a draft.
    expect(await db.getRepository(Campaign).countBy({ status: 'draft' })).toBe(1);
  });

  it('makes them the way real ones are made: a launched campaign emails each advocate, who approves; then it is ended', async () => {
    const campaign = await db.getRepository(Campaign).findOneByOrFail({ name: DEMO_RECOMMENDATIONS_CAMPAIGN });
    const actions = (await db.getRepository(AuditEvent).findBy({ subjectId: campaign.id })).map((e) => e.action).sort();
    expect(actions).toEqual(['campaign.create', 'campaign.end', 'campaign.launch']);
    const emails = outboxEmails(t.config.dataDir);
    for (const rec of await approved()) {
      const customer = await db.getRepository(Customer).findOneByOrFail({ id: rec.customerId });
      const sent = emails.filter((eml) => /^To: .*$/m.exec(eml)?.[0].includes(customer.email!) && !/^Subject: Your thank-you/m.test(eml));
      expect(sent).toHaveLength(1);
      expect(sent[0]).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    }
  });

  it('adds a thank-you to both demo campaigns; some advocates accepted it and got a code by email, and one used it', async () => {
    const offers = await db.getRepository(RewardOffer).find({ relations: { campaign: true } });
    expect(offers.map((o) => o.campaign!.name).sort()).toEqual([DEMO_RECOMMENDATIONS_CAMPAIGN, 'Demo: good words from our promoters'].sort());
    const codes = await db.getRepository(RewardCode).find({ order: { issuedAt: 'ASC' } });
    expect(codes.length).toBeGreaterThanOrEqual(2);
    expect(codes).toHaveLength(DEMO_RECOMMENDATIONS.filter((d) => d.reward).length);
    expect(codes.filter((c) => c.status === 'redeemed')).toHaveLength(1);
    expect(codes.filter((c) => c.status === 'issued')).toHaveLength(codes.length - 1);
    const recs = await approved();
    expect(new Set(codes.map((c) => c.recommendationId))).toEqual(new Set(recs.filter((r) => r.rewardAccepted).map((r) => r.id)));
    await waitFor(() => outboxEmails(t.config.dataDir).filter((eml) => /^Subject: Your thank-you/m.test(eml)).length === codes.length, 'the code emails');
  });

  it('gives every recommendation one share per channel, each with a tracked link that leads to its public page', async () => {
    for (const rec of await approved()) {
      const shares = await db.getRepository(Share).findBy({ recommendationId: rec.id });
      expect(shares.map((s) => s.channel).sort()).toEqual([...rec.channels].sort());
      const links = await db.getRepository(TrackedLink).findBy({ shareId: In(shares.map((s) => s.id)) });
      expect(links).toHaveLength(shares.length);
      for (const link of links) {
        expect(link).toMatchObject({ targetPath: `/p/${rec.id}`, locationId: rec.locationId, disabledAt: null });
        const res = await t.app.inject({ method: 'GET', url: `/r/${link.code}` });
        expect(res.statusCode).toBe(302);
        expect(res.headers.location).toBe(`${PUBLIC_URL}/p/${rec.id}`);
      }
    }
  });

  it('shows them on each location page, next to its review link', async () => {
    const recs = await approved();
    for (const code of new Set(recs.map((r) => r.location!.code))) {
      const res = await t.app.inject({ method: 'GET', url: `/l/${code}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(DEMO_LOCATIONS.find((l) => l.code === code)!.reviewUrl);
      expect(res.body).not.toContain('No recommendations yet.');
      for (const rec of recs.filter((r) => r.location!.code === code)) {
        expect(res.body).toContain(rec.text!);
        expect(res.body).toContain(`href="/p/${rec.id}"`);
        expect(res.body).toContain(rec.authorName!);
      }
    }
  });

  it('answers /p/:id with the words under first name and initial only', async () => {
    for (const rec of await approved()) {
      const customer = await db.getRepository(Customer).findOneByOrFail({ id: rec.customerId });
      const [firstName, ...rest] = customer.name!.split(' ');
      expect(rec.authorName).toBe(`${firstName} ${rest[rest.length - 1][0]}.`);
      const res = await t.app.inject({ method: 'GET', url: `/p/${rec.id}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`${rec.authorName} recommends ${rec.location!.name}`);
      expect(res.body).toContain(rec.text!);
      expect(res.body).not.toContain(customer.name!);
      expect(res.body).not.toContain(customer.email);
      expect(res.body).not.toContain(rec.location!.reviewUrl!);
    }
  });

  it('tells three months of history: each advocate responded, was invited, opened and approved in that order, on days spread over the last 90', async () => {
    const now = Date.now();
    const campaign = await db.getRepository(Campaign).findOneByOrFail({ name: DEMO_RECOMMENDATIONS_CAMPAIGN });
    const invitations = await db.getRepository(Invitation).findBy({ campaignId: campaign.id });
    for (const rec of await approved()) {
      const invitation = invitations.find((i) => i.id === rec.invitationId)!;
      const [response] = await db.getRepository(FeedbackResponse).find({ where: { customerId: rec.customerId }, order: { respondedAt: 'ASC' } });
      const steps = [campaign.launchedAt!, invitation.createdAt, invitation.sentAt!, invitation.openedAt!, rec.approvedAt].map((d) => d.getTime());
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      expect(response.respondedAt.getTime()).toBeLessThanOrEqual(invitation.createdAt.getTime());
      expect(rec.approvedAt.getTime() - invitation.sentAt!.getTime()).toBeLessThan(3 * DAY); // "a day or few before"
      expect(rec.approvedAt.getTime()).toBeGreaterThan(now - 90 * DAY);
      expect(rec.approvedAt.getTime()).toBeLessThan(now);
      // Its visitors came after it was approved, never from the future.
      const links = await db.getRepository(TrackedLink).findBy({ recommendationId: rec.id });
      const clicks = await db.getRepository(ClickEvent).findBy({ linkId: In(links.map((l) => l.id)) });
      expect(clicks.length).toBeGreaterThan(0);
      for (const click of clicks) {
        expect(click.occurredAt.getTime()).toBeGreaterThanOrEqual(rec.approvedAt.getTime());
        expect(click.occurredAt.getTime()).toBeLessThanOrEqual(now);
      }
    }
    expect(new Set(invitations.map((i) => utcDay(i.sentAt!.getTime()))).size).toBeGreaterThanOrEqual(15);
  });

  it("gives the 90-day reports a living chart: visitors and approvals on many days, no single spike, bots counted apart; the dealer's lands on theirs", async () => {
    const signIn = async (role: string) => {
      const { email, password } = first.credentials.find((c) => c.role === role)!;
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      return { authorization: `Bearer ${res.json().accessToken}` };
    };
    await t.app.get(ClickRecorder).flush(); // the redirects followed above, so the raw events below are all written
    const report = async (role: string) =>
      (await t.app.inject({ method: 'GET', url: '/api/reports/dealer?days=90', headers: await signIn(role) })).json() as ReachReport;
    const all = await report('admin');
    expect(all.series.interval).toBe('day');
    const days = (r: ReachReport, figure: 'visitors' | 'approvals') => r.series.points.filter((p) => p[figure] > 0);
    expect(days(all, 'visitors').length).toBeGreaterThanOrEqual(40);
    expect(days(all, 'approvals').length).toBeGreaterThanOrEqual(15);
    const busiest = Math.max(...all.series.points.map((p) => p.visitors));
    expect(busiest).toBeLessThan(all.reach.uniqueVisitors / 8);
    expect(all.funnel.approved).toBe(DEMO_RECOMMENDATIONS.length);
    expect(all.funnel.invited).toBeGreaterThanOrEqual(all.funnel.approved);
    expect(all.funnel.opened).toBeGreaterThanOrEqual(all.funnel.approved);
    // Link-preview fetchers and crawlers are bot hits, never visitors: the report's figures match the raw events.
    const events = await db.getRepository(ClickEvent).find();
    expect(all.reach.botHits).toBeGreaterThan(0);
    expect(all.reach.botHits).toBe(events.filter((e) => e.isBot).length);
    expect(all.reach.humanClicks).toBe(events.filter((e) => !e.isBot).length);
    expect(all.reach.uniqueVisitors).toBeLessThan(all.reach.humanClicks);
    expect(all.byChannel.length).toBeGreaterThanOrEqual(5);

    const dealer = await report('dealer');
    expect(dealer.scope.locationCodes).toEqual(['DLR-001']);
    expect(days(dealer, 'visitors').length).toBeGreaterThanOrEqual(30);
    expect(days(dealer, 'approvals').length).toBeGreaterThanOrEqual(8);
    const { email, password } = first.credentials.find((c) => c.role === 'dealer')!;
    const signedIn = await new FormBrowser(t.app).signIn(email, password);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/dashboard/reports');
  });

  it("keeps no salt of the seeded past days: they were deleted once those visitors were hashed, as two days after their day", async () => {
    const days = (await db.getRepository(VisitorSalt).find()).map((s) => s.day);
    expect(days.length).toBeGreaterThan(0);
    for (const day of days) expect(day >= utcDay(Date.now() - DAY)).toBe(true);
  });

  it('adds nothing when seeded again', async () => {
    const count = async () => ({
      recommendations: await db.getRepository(Recommendation).count(),
      shares: await db.getRepository(Share).count(),
      links: await db.getRepository(TrackedLink).count(),
      invitations: await db.getRepository(Invitation).count(),
      ledger: await db.getRepository(MarketingMessage).count(),
      campaigns: await db.getRepository(Campaign).count(),
      locations: await db.getRepository(Location).count(),
      rewardOffers: await db.getRepository(RewardOffer).count(),
      rewardCodes: await db.getRepository(RewardCode).countBy({ status: 'redeemed' }),
      clicks: await db.getRepository(ClickEvent).count(),
      salts: (await db.getRepository(VisitorSalt).find()).map((s) => s.day).sort(),
    });
    await t.app.get(ClickRecorder).flush();
    const before = await count();
    const again = await t.app.get(DemoSeedService).seed(cliActor('demo:seed'));
    expect(again).toMatchObject({ locations: [], feedback: 0, campaigns: 0, recommendations: 0, credentials: [] });
    expect(await count()).toEqual(before);
  });

  it("brings people to the advocates' links (and some link-preview bots), so the dealer's report has visitors", async () => {
    const recs = await approved();
    const rows: { recommendation_id: string; human: string | number; visitors: string | number; bots: string | number }[] = await db.query(
      `SELECT recommendation_id, sum(human_clicks) AS human, sum(unique_visitors) AS visitors, sum(bot_hits) AS bots FROM reach_daily GROUP BY recommendation_id`,
    );
    for (const rec of recs) {
      const row = rows.find((r) => r.recommendation_id === rec.id);
      expect(Number(row?.visitors)).toBeGreaterThan(0);
      expect(Number(row?.human)).toBeGreaterThan(Number(row?.visitors)); // some came back
      expect(Number(row?.bots)).toBeGreaterThan(0);
    }
  });

  it('finishes an interrupted seed: an invitation left without its recommendation is approved on the next run, nothing else', async () => {
    const [rec] = await approved();
    await db.getRepository(Recommendation).delete({ id: rec.id }); // as if the run had stopped before this approval
    const again = await t.app.get(DemoSeedService).seed(cliActor('demo:seed'));
    expect(again.recommendations).toBe(1);
    const redone = await db.getRepository(Recommendation).findOneByOrFail({ invitationId: rec.invitationId });
    expect(redone).toMatchObject({ text: rec.text, locationId: rec.locationId, customerId: rec.customerId, authorName: rec.authorName });
    expect(await db.getRepository(Share).countBy({ recommendationId: redone.id })).toBe(rec.channels.length);
    expect(await db.getRepository(Recommendation).count()).toBe(DEMO_RECOMMENDATIONS.length);
  });
});
