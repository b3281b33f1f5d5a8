import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { waitFor } from './campaign-fixtures';
import { OWN, PASSWORD, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';
import { outboxEmails } from './support/outbox';

const HTML = `<script>alert("gw")</script><img src=x onerror=alert(2)>"'`;
const SQL = `'; DROP TABLE customer; --`;
const FORMULA = `=HYPERLINK("http://evil.example","open")`;
const BIDI = '\u202Egnp.exe\u200B';

/** What must never reach a page or an email as markup: the payloads' live parts. */
const LIVE = ['<script>alert("gw")', '<img src=x onerror', '\u202E'];

/*
 * Issue #17 inventory: free text → where it is shown → where its hostile input is tested. The full table, one
 * line per route and checked against the routes the app registers, is INVENTORY in security-hostile-input-2.
 *
 *   this file (SQLite)                                   | security-hostile-input-2 (PostgreSQL)
 *   webhook name, comment → pages, alert email, CSVs     | settings brand name, postal address → every page, email
 *   campaign name, prompt → campaign pages, CSV          | campaign prompt overrides, 10,000 chars, test-send address
 *   reward description, terms → reward page             | reward pool CSV, void reason, redeem code
 *   location name → every page, /l/:code, CSV            | location address, city, hours, URLs, manager email
 *   theme label → themes, week pages                     | theme label (page form), terms
 *   roster first name, role (form) → roster page         | roster CSV, locations CSV
 *   filters: promoters, alerts, audit, reports pages     | alert note, hide reason → pages, alerts/recommendations CSV
 *   CSV: promoters, alerts, campaigns, audit, locations  | API key name, staff emails → pages, CSVs
 *                                                        | survey export filename, headers, cells, saved mapping name
 *                                                        | login, password reset, fresh links, privacy requests, /x-length
 *                                                        | API filters (audit, recommendations, alerts, nps, promoters,
 *                                                        |   campaigns, imports, reports) and path parameters
 *   Elsewhere: recommendation text (customer) in advocate.e2e-spec; NUL in every door in bad-input; arbitrary
 *   rows and JSON in security-properties.
 */

/**
 * Hostile input in text fields and filters (markup, attribute breakers, SQL metacharacters, formula payloads,
 * right-to-left overrides and zero-width characters, NUL bytes, 10,000 characters): stored or refused item by
 * item with a reason, and shown harmlessly on the staff pages, in the manager's alert email and in CSV exports.
 */
describe('security: hostile input is stored or refused, and shown harmlessly everywhere (sqlite)', () => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  let admin: FormBrowser;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
    admin = new FormBrowser(t.app);
    await admin.signIn('admin@staff.example.com', PASSWORD);
  });
  afterAll(() => t?.close());

  it('the webhook stores hostile text as text and refuses NUL bytes and 10,000 characters item by item, with reasons', async () => {
    const now = new Date().toISOString();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/feedback',
      headers: staff.apiKey,
      payload: {
        responses: [
          { responseId: 'H-1', email: 'h1@example.com', locationCode: OWN, score: 2, name: FORMULA, comment: `${HTML} ${SQL} ${BIDI}`, marketingConsent: true, respondedAt: now },
          { responseId: 'H-2', email: 'h2@example.com', locationCode: OWN, score: 10, name: `${HTML}${BIDI}`, comment: `${FORMULA} ${HTML}`, marketingConsent: true, respondedAt: now },
          { responseId: 'H-3', email: 'h3@example.com', locationCode: OWN, score: 9, comment: 'x'.repeat(10_000) },
          { responseId: 'H-4', email: 'h4@example.com', locationCode: OWN, score: 9, comment: 'nul \u0000 byte' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const answer = JSON.stringify(res.json());
    expect(answer).toMatch(/H-3[^}]*comment must be at most 5,?000 characters/);
    expect(answer).toMatch(/H-4[^}]*NUL|H-4[^}]*null character|H-4[^}]*control/i);
    const stored: { response_id: string; comment: string }[] = await db.query(`SELECT response_id, comment FROM feedback_response ORDER BY response_id`);
    expect(stored.map((r) => r.response_id)).toEqual(['H-1', 'H-2']);
    expect(stored[0].comment).toContain(SQL); // stored as written: the query was parameterised
    expect(stored[0].comment).not.toContain('\u202E'); // direction overrides can't flip what follows
    expect(Number((await db.query('SELECT COUNT(*) AS n FROM customer'))[0].n)).toBe(2);

    const created = await t.app.inject({
      method: 'POST', url: '/api/campaigns', headers: staff.admin,
      payload: { name: `${HTML}${FORMULA}`.slice(0, 120), locations: [OWN], channels: ['copy'], prompt: `${HTML} ${BIDI}` },
    });
    expect(created.statusCode).toBe(201);
    campaignId = created.json().id;

    // The campaign's thank-you, a location's name, a theme's label and a roster name: the other text staff write.
    const offer = await t.app.inject({
      method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers: staff.admin,
      payload: { description: `${HTML}`.slice(0, 200), terms: `${HTML} ${FORMULA} ${BIDI}`, budget: 5, codeSource: 'generated', codePrefix: 'WASH' },
    });
    expect(offer.statusCode).toBe(201);
    const location = await t.app.inject({ method: 'PATCH', url: `/api/locations/${OWN}`, headers: staff.admin, payload: { name: `Downtown ${HTML}${BIDI}`.slice(0, 120) } });
    expect(location.statusCode).toBe(200);
    const theme = await t.app.inject({ method: 'PUT', url: '/api/themes/wait-time', headers: staff.admin, payload: { label: `${HTML}`.slice(0, 80) } });
    expect(theme.statusCode).toBe(200);
    const roster = await admin.submit(`/dashboard/locations/${OWN}/roster`, `/dashboard/locations/${OWN}/roster`, { firstName: `Sam${HTML}`.slice(0, 60), role: `${FORMULA}` });
    expect(roster.statusCode).toBeLessThan(500);
  });

  it('every staff page shows it escaped, and hostile filters come back as a message, never as markup', async () => {
    const pages = [
      '/dashboard', '/dashboard/promoters', '/dashboard/alerts', '/dashboard/campaigns', `/dashboard/campaigns/${campaignId}`,
      `/dashboard/campaigns/${campaignId}/dry-run`, `/dashboard/campaigns/${campaignId}/edit`, `/dashboard/locations/${OWN}`,
      `/dashboard/locations/${OWN}/week`, `/dashboard/locations/${OWN}/roster`, `/dashboard/locations/${OWN}/edit`, '/dashboard/locations',
      `/dashboard/campaigns/${campaignId}/reward`, '/dashboard/themes', `/l/${OWN}`,
      '/dashboard/nps', '/dashboard/reports', '/dashboard/feedback', '/dashboard/audit',
      `/dashboard/promoters?location=${encodeURIComponent(HTML)}&from=${encodeURIComponent(SQL)}`,
      `/dashboard/alerts?status=${encodeURIComponent(HTML)}`,
      `/dashboard/audit?action=${encodeURIComponent(HTML)}&actor=${encodeURIComponent(SQL)}`,
      `/dashboard/reports?days=${encodeURIComponent(FORMULA)}&location=${encodeURIComponent(HTML)}`,
    ];
    const problems: string[] = [];
    let shown = 0;
    for (const url of pages) {
      const res = await admin.get(url);
      if (res.statusCode >= 500 || res.statusCode === 404) problems.push(`${url}: ${res.statusCode}`);
      for (const live of LIVE) if (res.body.includes(live)) problems.push(`${url}: contains ${JSON.stringify(live)}`);
      if (res.body.includes('&lt;script&gt;alert(')) shown++;
    }
    expect(problems).toEqual([]);
    expect(shown).toBeGreaterThanOrEqual(8); // the payload was on the pages, escaped (not merely absent)
  });

  it('the manager’s detractor alert email carries the comment escaped in HTML and as plain text', async () => {
    const emails = await waitFor(() => {
      const files = outboxEmails(t.config.dataDir);
      const alerts = files.filter((eml) => eml.includes('own.manager@example.com'));
      return alerts.length > 0 ? alerts : null;
    }, 'the detractor alert email');
    const [parsed] = await Promise.all(emails!.map((eml) => simpleParser(eml)));
    const html = String(parsed.html);
    for (const live of LIVE) expect(html).not.toContain(live);
    expect(html).toContain('&lt;script&gt;alert(');
    // Plain text is never markup; it still carries no direction override.
    expect(parsed.text).toContain(SQL);
    expect(parsed.text).not.toContain('\u202E');
  });

  it('CSV exports neutralise formulas in every cell', async () => {
    let all = '';
    const csvs = ['/api/promoters?format=csv', '/api/alerts?format=csv&status=open', '/api/campaigns?format=csv', '/api/audit?format=csv', '/api/locations?format=csv'];
    for (const url of csvs) {
      const res = await t.app.inject({ method: 'GET', url, headers: staff.admin });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect([url, /(^|,)"?[=+\-@]HYPERLINK/m.test(res.body)]).toEqual([url, false]);
      all += res.body;
    }
    expect(all).toContain(`'=HYPERLINK`); // the payload was exported, defused
  });
});
