import { DataSource } from 'typeorm';
import { Location } from '../src/locations/location.entity';
import { Recommendation } from '../src/recommendations/recommendation.entity';
import { PASSWORD, seedLocation, staffHeader } from './campaign-fixtures';
import { insertShare } from './factories/shares';
import { createTestApp, TestApp } from './support/app';
import { alertText, FormBrowser } from './support/form-browser';

const PAGE = '/dashboard/recommendations';
const SCRIPT = '<script>alert(1)</script>';

describe('recommendations page (SQLite)', () => {
  let t: TestApp;
  let db: DataSource;
  let own: Location;
  let other: Location;
  const rec: Record<'plain' | 'script' | 'other', string> = { plain: '', script: '', other: '' };

  const sessions: Partial<Record<'marketer' | 'dealer', FormBrowser>> = {};
  /** A browser signed in through the login form (once per role: sign-in is rate limited per account). */
  async function as(role: 'marketer' | 'dealer'): Promise<FormBrowser> {
    if (!sessions[role]) {
      const { email } = await staffHeader(t.app, role, role === 'dealer' ? [own.code] : undefined);
      const browser = new FormBrowser(t.app);
      expect((await browser.signIn(email, PASSWORD)).statusCode).toBe(303);
      sessions[role] = browser;
    }
    return sessions[role]!.clone();
  }
  const row = (id: string) => db.getRepository(Recommendation).findOneByOrFail({ id });
  const audits = (action: string, id: string) =>
    db.query(`SELECT actor_type, details FROM audit_event WHERE action = '${action}' AND subject_id = '${id}'`) as Promise<
      { actor_type: string; details: string | object | null }[]
    >;
  const publicStatus = async (id: string) => (await t.app.inject({ method: 'GET', url: `/p/${id}` })).statusCode;

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    db = t.app.get(DataSource);
    own = await seedLocation(t.app, 'REC-OWN', 'Own Motors');
    other = await seedLocation(t.app, 'REC-OTHER', 'Other Motors');
    // Approved an hour apart, oldest first, so the order on the page is certain.
    const hoursAgo = (n: number) => new Date(Date.now() - n * 60 * 60 * 1000);
    rec.plain = (await insertShare(db, { locationId: own.id, text: 'Quick, friendly and honest service.', approvedAt: hoursAgo(3) })).recommendationId;
    rec.script = (await insertShare(db, { locationId: own.id, text: `Loved it ${SCRIPT} really`, approvedAt: hoursAgo(2) })).recommendationId;
    rec.other = (await insertShare(db, { locationId: other.id, text: 'Shelbyville does it best.', approvedAt: hoursAgo(1) })).recommendationId;
  });
  afterAll(() => t?.close());

  it('lists every location’s recommendations for a marketer, newest first, with a filter by location', async () => {
    const browser = await as('marketer');
    const page = await browser.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('aria-current="page"');
    for (const text of ['Quick, friendly and honest service.', 'Shelbyville does it best.', 'Ana S.', 'REC-OWN', 'REC-OTHER']) {
      expect(page.body).toContain(text);
    }
    expect(page.body).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(page.body).toContain(`href="/p/${rec.plain}"`);
    // Newest first.
    expect(page.body.indexOf(rec.other)).toBeLessThan(page.body.indexOf(rec.script));
    expect(page.body.indexOf(rec.script)).toBeLessThan(page.body.indexOf(rec.plain));
    // No way to edit a recommendation (principle 1).
    expect(page.body).not.toMatch(/\/edit"|name="text"/);

    const filtered = await browser.get(`${PAGE}?location=REC-OTHER`);
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body).toContain('Shelbyville does it best.');
    expect(filtered.body).not.toContain('Quick, friendly and honest service.');
  });

  it('hides a recommendation with a reason (public page 410, audited) and shows it again', async () => {
    const browser = await as('marketer');
    expect(await publicStatus(rec.plain)).toBe(200);

    const hidden = await browser.submit(PAGE, `${PAGE}/${rec.plain}/hide`, { reason: 'Names another customer', location: '' });
    expect(hidden.statusCode).toBe(303);
    expect(hidden.headers.location).toBe(`${PAGE}?notice=hidden`);
    const after = await browser.get(hidden.headers.location as string);
    expect(after.body).toContain('Recommendation hidden');
    expect(after.body).toContain('hidden because: Names another customer');
    expect(after.body).not.toContain(`href="/p/${rec.plain}"`);
    expect(after.body).toContain(`action="${PAGE}/${rec.plain}/unhide"`);

    expect((await row(rec.plain)).hiddenReason).toBe('Names another customer');
    expect(await publicStatus(rec.plain)).toBe(410);
    const [audit] = await audits('recommendation.hide', rec.plain);
    expect(audit.actor_type).toBe('staff');
    // The reason is staff's free text about people: on the row (erasable), never in the append-only log.
    expect(audit.details).toBeNull();

    const shown = await browser.submit(PAGE, `${PAGE}/${rec.plain}/unhide`, { location: 'REC-OWN' });
    expect(shown.statusCode).toBe(303);
    expect(shown.headers.location).toBe(`${PAGE}?location=REC-OWN&notice=shown`);
    expect((await browser.get(shown.headers.location as string)).body).toContain('Recommendation shown again');
    expect((await row(rec.plain)).hiddenAt).toBeNull();
    expect(await publicStatus(rec.plain)).toBe(200);
    expect(await audits('recommendation.unhide', rec.plain)).toHaveLength(1);
  });

  it('asks for a reason next to the form and hides nothing without one', async () => {
    const browser = await as('marketer');
    const res = await browser.submit(PAGE, `${PAGE}/${rec.other}/hide`, { reason: '   ' });
    expect(res.statusCode).toBe(400);
    expect(alertText(res.body)).toContain('Reason must be 1-300 characters');
    expect(res.body).toContain(`id="reason-error-${rec.other}"`);
    expect(res.body).toContain('aria-invalid="true"');
    expect((await row(rec.other)).hiddenAt).toBeNull();
    expect(await audits('recommendation.hide', rec.other)).toHaveLength(0);
    expect(await publicStatus(rec.other)).toBe(200);
  });

  it('refuses a post without the CSRF token with 403 and hides nothing', async () => {
    const browser = await as('marketer');
    await browser.get(PAGE);
    const res = await browser.post(`${PAGE}/${rec.other}/hide`, { reason: 'No token' }, null);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('This form has expired');
    expect((await row(rec.other)).hiddenAt).toBeNull();
  });

  it('shows a dealer only their locations’ recommendations, with no hide form, and refuses their posts', async () => {
    const browser = await as('dealer');
    const page = await browser.get(PAGE);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Quick, friendly and honest service.');
    expect(page.body).not.toContain('Shelbyville does it best.');
    expect(page.body).not.toContain('REC-OTHER');
    expect(page.body).not.toMatch(/\/hide"|\/unhide"/);
    expect(page.body).toContain(`href="/p/${rec.plain}"`);

    expect((await browser.post(`${PAGE}/${rec.plain}/hide`, { reason: 'Dealer tries' })).statusCode).toBe(403);
    expect((await browser.post(`${PAGE}/${rec.other}/hide`, { reason: 'Dealer tries' })).statusCode).toBe(403);
    expect((await row(rec.plain)).hiddenAt).toBeNull();
    expect((await row(rec.other)).hiddenAt).toBeNull();
    expect((await browser.get(`${PAGE}?location=REC-OTHER`)).statusCode).toBe(404);
  });

  it('filters by campaign, status and approval time, and keeps the filters through a hide', async () => {
    const browser = await as('marketer');
    const campaignOf = async (id: string) => (await row(id)).campaignId;
    const byCampaign = await browser.get(`${PAGE}?campaign=${await campaignOf(rec.script)}`);
    expect(byCampaign.statusCode).toBe(200);
    expect(byCampaign.body).toContain(`rec-${rec.script}`);
    expect(byCampaign.body).not.toContain(`rec-${rec.plain}`);
    expect(byCampaign.body).not.toContain(`rec-${rec.other}`);
    // The campaign select names the campaigns, and shows which one is chosen.
    expect(byCampaign.body).toMatch(new RegExp(`<option value="${await campaignOf(rec.script)}" selected>`));

    // Approved within the last 2½ hours: the two newer ones.
    const since = new Date(Date.now() - 150 * 60 * 1000).toISOString();
    const recent = await browser.get(`${PAGE}?from=${encodeURIComponent(since)}`);
    expect(recent.statusCode).toBe(200);
    expect([rec.plain, rec.script, rec.other].filter((id) => recent.body.includes(`rec-${id}`))).toEqual([rec.script, rec.other]);
    const older = await browser.get(`${PAGE}?to=${encodeURIComponent(since)}`);
    expect([rec.plain, rec.script, rec.other].filter((id) => older.body.includes(`rec-${id}`))).toEqual([rec.plain]);
    expect((await browser.get(`${PAGE}?from=yesterday`)).statusCode).toBe(400);

    // Hidden ones only; the hide keeps the list's filters.
    const hidden = await browser.submit(`${PAGE}?status=public&location=REC-OTHER`, `${PAGE}/${rec.other}/hide`, { reason: 'Test of the filters', location: 'REC-OTHER', status: 'public' });
    expect(hidden.statusCode).toBe(303);
    expect(hidden.headers.location).toBe(`${PAGE}?location=REC-OTHER&status=public&notice=hidden`);
    const onlyHidden = await browser.get(`${PAGE}?status=hidden`);
    expect([rec.plain, rec.script, rec.other].filter((id) => onlyHidden.body.includes(`rec-${id}`))).toEqual([rec.other]);
    const onlyPublic = await browser.get(`${PAGE}?status=public`);
    expect(onlyPublic.body).not.toContain(`rec-${rec.other}`);
    await browser.submit(PAGE, `${PAGE}/${rec.other}/unhide`, {});
  });

  it('keeps the hide form behind a button: no open reason box on every card', async () => {
    const page = await (await as('marketer')).get(PAGE);
    const cards = page.body.split('<article').slice(1);
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) {
      if (!card.includes('/hide"')) continue;
      // The form sits inside a closed <details> whose summary is the button.
      expect(card).toMatch(/<details class="disclosure hide-form">\s*<summary>Hide from public pages…/);
      expect(card.indexOf('<details')).toBeLessThan(card.indexOf('name="reason"'));
    }
    // A failed try opens it, with the message next to the field.
    const failed = await (await as('marketer')).submit(PAGE, `${PAGE}/${rec.plain}/hide`, { reason: ' ' });
    expect(failed.body).toMatch(/<details class="disclosure hide-form" open>/);
  });

  it('escapes the customer’s text', async () => {
    const page = await (await as('marketer')).get(PAGE);
    expect(page.body).toContain('Loved it &lt;script&gt;alert(1)&lt;/script&gt; really');
    expect(page.body).not.toContain(SCRIPT);
  });
});
