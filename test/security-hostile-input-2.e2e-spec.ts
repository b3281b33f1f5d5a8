import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { Location } from '../src/locations/location.entity';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { waitFor } from './campaign-fixtures';
import { insertShare } from './factories/shares';
import { csv, csvRow, multipart, OWN, PASSWORD, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, TestApp } from './support/app';
import { alertText, csrfTokenIn, FormBrowser } from './support/form-browser';
import { registeredRoutes } from './support/staff-routes';
import { outboxEmails } from './support/outbox';

const HTML = `<script>alert("gw")</script><img src=x onerror=alert(2)>"'`;
const SQL = `'; DROP TABLE customer; --`;
const FORMULA = `=HYPERLINK("http://evil.example","open")`;
const BIDI = '\u202Egnp.exe\u200B';
const LONG = 'x'.repeat(10_000);
/** The payloads' live parts: never on a page or in an email (a right-to-left override included). */
const LIVE = /<script>alert\(|<img src=x onerror|\u202E/;
/**
 * What of LIVE a page shows: markup anywhere; a direction override anywhere but inside an input's value, where
 * a filter or an address the visitor typed is shown back to them (escaped, it can flip only what is in the box).
 */
const liveIn = (html: string): string | undefined => (LIVE.exec(html.replace(/ value="[^"]*"/g, ' value=""')) ?? undefined)?.[0];
const ESCAPED = '&lt;script&gt;alert(';
/** The payload behind a marker, so a page is known to show this field (not the same payload from another). */
const tagged = (tag: string) => `${tag}${HTML}`;
const shown = (tag: string) => `${tag}${ESCAPED}`;

/**
 * Issue #17, the rest of the hostile-input suite (the first part is security-hostile-input.e2e-spec.ts).
 *
 * INVENTORY: every route that takes a body, and the filters, with the free text it takes, where that text is
 * shown, and the test that sends it hostile input. A test below checks the table against the routes the app
 * registers, so a new form or endpoint can't be added without a line here.
 *   H1 = security-hostile-input.e2e-spec.ts   H2 = this file   "—" = no free text (ids, confirmations, booleans)
 */
const INVENTORY: Record<string, string> = {
  // Staff-written text (API and the form posting the same DTO)
  'POST /api/campaigns': 'name, prompt → campaign pages, campaigns CSV, invitation email: H1; promptOverrides, 10,000 chars: H2',
  'PATCH /api/campaigns/:id': 'as POST /api/campaigns: H1, H2',
  'POST /dashboard/campaigns': 'the campaign form (same DTO): 10,000-character name: H2',
  'POST /dashboard/campaigns/:id': 'the campaign form (same DTO): H1 via the API',
  'POST /api/campaigns/:id/reward-offer': 'description, terms → reward page, advocate page, reward-code email: H1',
  'PATCH /api/campaigns/:id/reward-offer': 'as POST: H1',
  'POST /dashboard/campaigns/:id/reward': 'the reward form (same DTO): H1 via the API',
  'POST /api/campaigns/:id/reward-offer/codes': 'pool CSV of codes: H2',
  'POST /dashboard/campaigns/:id/reward/codes': 'pool CSV (same parser): H2 via the API',
  'POST /api/rewards/codes/:code/void': 'reason → code look-up JSON: H2',
  'POST /dashboard/campaigns/:id/reward/void': 'code, reason (same DTO): H2 via the API',
  'POST /api/rewards/redeem': 'code (pattern): H2',
  'POST /api/campaigns/:id/test-send': 'email (a staff address): H2',
  'POST /dashboard/campaigns/:id/test-send': 'email: H2 via the API',
  'POST /api/locations': 'name: H1; address, city, openingHours, URLs, managerEmail → /l/:code, location pages, locations CSV: H2',
  'PATCH /api/locations/:code': 'as POST /api/locations: H1, H2',
  'POST /dashboard/locations': 'the location form (same DTO): H1, H2 via the API',
  'POST /dashboard/locations/:code': 'the location form (same DTO): H1, H2 via the API',
  'POST /dashboard/locations/import': 'locations CSV → import result page, location pages: H2',
  'POST /dashboard/locations/:code/roster': 'firstName, role → roster page, week page: H1',
  'POST /dashboard/locations/:code/roster/import': 'roster CSV → roster page: H2',
  'PUT /api/themes/:key': 'label → themes page, week page: H1; terms, 10,000 chars: H2',
  'POST /dashboard/themes/:key': 'label, terms → themes page: H2',
  'POST /api/alerts/:id/resolve': 'note → alerts page, alerts CSV: H2',
  'POST /dashboard/alerts/:id/resolve': 'note (same DTO): H2',
  'POST /api/recommendations/:id/hide': 'reason → recommendations page, recommendations CSV: H2',
  'POST /dashboard/recommendations/:id/hide': 'reason (same DTO): H2',
  'PATCH /api/settings': 'brandName, brandPostalAddress → every page, every email (footer, From name): H2',
  'POST /dashboard/settings': 'the settings form (same rules): H2',
  'POST /api/api-keys': 'name → API keys page, API keys CSV: H2',
  'POST /dashboard/api-keys': 'name: H2',
  'POST /api/users': 'email → users pages, users CSV: H2',
  'PATCH /api/users/:id': 'role, location codes: H2 via the form',
  'POST /dashboard/users': 'email, role, locations: H2',
  'POST /dashboard/users/:id': 'role, location codes: H2',
  'POST /api/feedback': 'webhook items (customer text) → every page, alert email, CSV exports: H1',
  'POST /api/imports': 'feedback CSV, filename → feedback page, imports CSV, errors CSV: H2 (cells: bad-input, security-properties)',
  'POST /api/imports/preview': 'survey export → JSON preview: H2 via the mapping page',
  'POST /dashboard/feedback/imports': 'feedback CSV (same importer): H2 via the API',
  'POST /dashboard/feedback/uploads': 'survey export (headers, cells), filename → mapping page: H2',
  'POST /dashboard/feedback/uploads/:id': 'mapping, saveName → mapping page: H2',
  'POST /api/customers/erase': 'email (looked up, never shown): H2 via the page',
  'POST /api/customers/export': 'email (looked up, never shown): H2 via the page',
  'POST /dashboard/privacy/erase': 'email → privacy page: H2',
  'POST /dashboard/privacy/export': 'email → privacy page: H2',
  // Sign-in and public doors
  'POST /api/auth/login': 'email, password (never shown): H2',
  'POST /login': 'email (shown back), password, next: H2',
  'POST /api/auth/password-reset': 'email: H2',
  'POST /forgot-password': 'email (shown back): H2',
  'POST /links/fresh': 'email (never shown): H2',
  'POST /x-length': 'text, disclosure: H2',
  'POST /i/:token/preview': 'recommendation text (customer) → public pages, recommendations page, CSV: advocate.e2e-spec.ts',
  'POST /i/:token/approve': 'as /i/:token/preview: advocate.e2e-spec.ts',
  'POST /api/auth/password': 'passwords (never shown, length-checked): —',
  'POST /dashboard/account/password': 'passwords: —',
  'POST /api/auth/password-reset/confirm': 'token, password: —',
  'POST /reset-password/:token': 'passwords: —',
  // No free text
  'DELETE /api/api-keys/:id': '—', 'POST /api/auth/logout': '—', 'POST /api/auth/logout-everywhere': '—',
  'POST /api/campaigns/:id/dry-run': '—', 'POST /api/campaigns/:id/end': '—', 'POST /api/campaigns/:id/launch': '—',
  'POST /api/campaigns/:id/pause': '—', 'POST /api/campaigns/:id/resume': '—', 'DELETE /api/campaigns/:id/reward-offer': '—',
  'POST /api/recommendations/:id/unhide': '—', 'POST /dashboard/account/logout-everywhere': '—', 'POST /dashboard/api-keys/:id/revoke': '—',
  'POST /dashboard/campaigns/:id/end': '—', 'POST /dashboard/campaigns/:id/launch': '—', 'POST /dashboard/campaigns/:id/pause': '—',
  'POST /dashboard/campaigns/:id/resume': '—', 'POST /dashboard/campaigns/:id/reward/remove': '—',
  'POST /dashboard/locations/:code/roster/:id/delete': '—', 'POST /dashboard/locations/:code/week/digest': '—',
  'POST /dashboard/recommendations/:id/unhide': '—', 'POST /dashboard/users/:id/deactivate': '—', 'POST /dashboard/users/:id/reactivate': '—',
  'POST /dashboard/users/:id/send-link': '—', 'POST /digest/unsubscribe': 'token (query): H2', 'POST /i/:token/x': '—', 'POST /logout': '—',
  'POST /preferences/:token': '—', 'POST /preferences/:token/erase': '—', 'POST /preferences/:token/export': '—',
  'POST /preferences/:token/recommendations/:id/withdraw': '—', 'POST /preferences/:token/unsubscribe': '—',
  // Filters (query strings) and path parameters shown back
  'GET /api/audit': 'actor, action, entity, entityId, from, to: H1 (page), H2 (API)',
  'GET /api/recommendations': 'location, campaign, status, from, to: H2',
  'GET /api/alerts': 'status, location, order: H1 (page), H2 (API)',
  'GET /api/nps': 'location, from, to, interval: H2',
  'GET /api/promoters': 'location, from, to, minScore, consent: H1 (page), H2 (API)',
  'GET /api/campaigns': 'location: H2',
  'GET /api/imports': 'format: H2',
  'GET /api/reports/dealer': 'days, from, to, location, campaign: H1 (page), H2 (API)',
  'GET /api/reports/locations/:code': 'code, from, to: H2',
  'GET /api/reports/campaigns/:id': 'id, from, to: H2',
  'GET /dashboard/recommendations': 'location, campaign, status, from, to: H2',
  'GET /dashboard/nps': 'location, from, to, interval: H2',
  'GET /dashboard/reports/locations/:code': 'code: H2',
  'GET /dashboard/reports/campaigns/:id': 'id: H2',
  'GET /login': 'next, notice: H2',
};

describe('security: the remaining text fields and filters take hostile input harmlessly (postgres)', () => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  let admin: FormBrowser;

  /** Each page: answered with an allowed status (below 400 unless told) and free of live markup; the bodies, to look further. */
  async function pages(urls: string[], browser: FormBrowser = admin, allowed = (status: number) => status < 400): Promise<{ problems: string[]; bodies: string[] }> {
    const problems: string[] = [];
    const bodies: string[] = [];
    for (const url of urls) {
      const res = await browser.get(url);
      if (!allowed(res.statusCode)) problems.push(`${url}: ${res.statusCode}`);
      const live = liveIn(res.body);
      if (live) problems.push(`${url}: ${JSON.stringify(live)}`);
      bodies.push(res.body);
    }
    return { problems, bodies };
  }

  /** Cells a spreadsheet would run as a formula (a plain negative number is data). */
  function formulaCells(text: string): string[] {
    const rows = parse(text, { relax_column_count: true }) as string[][];
    return rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell) && !/^-\d+(\.\d+)?$/.test(cell));
  }

  async function csvExport(url: string): Promise<string> {
    const res = await t.app.inject({ method: 'GET', url, headers: staff.admin });
    expect([url, res.statusCode, res.headers['content-type']]).toEqual([url, 200, 'text/csv; charset=utf-8']);
    expect([url, formulaCells(res.body)]).toEqual([url, []]);
    return res.body;
  }

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object, headers = staff.admin) =>
    t.app.inject({ method, url, headers, payload });
  const messages = (res: { json(): { message?: unknown } }) => [res.json().message].flat().join(' | ');
  const ownLocation = () => db.getRepository(Location).findOneByOrFail({ code: OWN });

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
    admin = new FormBrowser(t.app);
    expect((await admin.signIn('admin@staff.example.com', PASSWORD)).statusCode).toBe(303);
  });
  afterAll(() => t?.close());

  it('the inventory lists every route that takes a body, and only routes the app has', () => {
    const routes = registeredRoutes(t.app).map((r) => `${r.method} ${r.path}`);
    const withBody = routes.filter((r) => !r.startsWith('GET '));
    expect(withBody.filter((r) => !(r in INVENTORY))).toEqual([]);
    expect(Object.keys(INVENTORY).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('settings: the brand name and postal address are stored as text, without overrides or line breaks, and refused past their limits', async () => {
    try {
      const saved = await api('PATCH', '/api/settings', { brandName: `Acme ${HTML}${BIDI}\r\nBcc: evil@example.com`, brandPostalAddress: `${FORMULA} ${HTML} ${SQL} ${BIDI}` });
      expect(saved.statusCode).toBe(200);
      expect(saved.json().brandName).toContain('<script>alert("gw")</script>'); // text, as written
      expect(saved.json().brandName).not.toMatch(/[\u202E\u200B\r\n]/);
      expect(saved.json().brandPostalAddress).not.toContain('\u202E');

      const long = await api('PATCH', '/api/settings', { brandName: LONG });
      expect([long.statusCode, messages(long)]).toEqual([400, 'brandName must be 1-100 characters']);
      const form = { brandName: LONG, brandPostalAddress: 'x', frequencyCap: '2', alertWindowDays: '14', dataRetentionDays: '730', rawClickRetentionDays: '90' };
      const page = await admin.submit('/dashboard/settings', '/dashboard/settings', form);
      expect(page.statusCode).toBe(400);
      expect(alertText(page.body)).toContain('Brand name must be 1-100 characters');
      const nul = await admin.submit('/dashboard/settings', '/dashboard/settings', { ...form, brandName: 'Acme\u0000' });
      expect(nul.statusCode).toBe(400);

      const { problems, bodies } = await pages(['/dashboard/settings', `/l/${OWN}`, '/privacy']);
      expect(problems).toEqual([]);
      expect(bodies.map((b) => b.includes(shown('Acme ')))).toEqual([true, true, true]); // shown, escaped, on each

      // An email: the brand in the header and footer of the HTML escaped; the From name one line, no Bcc header.
      const res = await api('POST', '/api/feedback', { responses: [{ responseId: 'S-1', email: 's1@example.com', locationCode: OWN, score: 1, comment: 'brand check' }] }, staff.apiKey);
      expect(res.json()).toMatchObject({ accepted: 1 });
      const eml = await waitFor(() => outboxEmails(t.config.dataDir).find((m) => m.includes('brand check')), 'the alert email');
      const mail = await simpleParser(eml!);
      expect(String(mail.html)).not.toMatch(LIVE);
      expect(String(mail.html)).toContain(ESCAPED);
      expect(mail.text).not.toContain('\u202E');
      expect(mail.headers.get('bcc')).toBeUndefined();
      expect(mail.from?.value).toHaveLength(1);
      expect(mail.from?.value[0].name).toContain('Acme');
    } finally {
      // The brand is on every page: back to a plain one, so the tests below see only their own payloads.
      expect((await api('PATCH', '/api/settings', { brandName: 'Acme Motors', brandPostalAddress: '1 Main Street' })).statusCode).toBe(200);
    }
  });

  it('API keys: the name is stored as text, formula-safe in the CSV, without overrides on the page; too long is refused with the limit', async () => {
    expect((await api('POST', '/api/api-keys', { name: FORMULA })).statusCode).toBe(201);
    const marked = await api('POST', '/api/api-keys', { name: `${tagged('K1')}${BIDI}` });
    expect(marked.statusCode).toBe(201);
    expect(marked.json().apiKey?.name ?? marked.json().name).not.toContain('\u202E');
    const long = await api('POST', '/api/api-keys', { name: LONG });
    expect([long.statusCode, messages(long)]).toEqual([400, 'name must be 1-100 characters']);
    const page = await admin.submit('/dashboard/api-keys', '/dashboard/api-keys', { name: LONG });
    expect(page.statusCode).toBe(400);
    expect(alertText(page.body)).toContain('Name must be 1-100 characters');
    const fromForm = await admin.submit('/dashboard/api-keys', '/dashboard/api-keys', { name: `${tagged('K2')}${BIDI}` });
    expect(fromForm.statusCode).toBe(200);

    const { problems, bodies } = await pages(['/dashboard/api-keys']);
    expect(problems).toEqual([]);
    expect(bodies[0]).toContain(shown('K1'));
    expect(bodies[0]).toContain(shown('K2'));
    expect(await csvExport('/api/api-keys?format=csv')).toContain(`'=HYPERLINK`);
  });

  it('staff users: odd but valid addresses are shown escaped and exported formula-safe; overrides, quoted forms the mailer refuses and 10,000 characters are refused', async () => {
    const quoted = '"<script>alert(1)</script>"@example.com'; // valid, but no invitation email could reach it
    const formula = `=cmd|'/ccalc'!a0@example.com`;
    const created = await api('POST', '/api/users', { email: formula, role: 'marketer', password: PASSWORD });
    expect(created.statusCode).toBe(201);
    for (const email of [quoted, `ana${BIDI}@example.com`, `${LONG}@example.com`, `${HTML}@example.com`, `${SQL}@example.com`]) {
      const res = await api('POST', '/api/users', { email, role: 'marketer', password: PASSWORD });
      expect([email.slice(0, 40), res.statusCode, messages(res)]).toEqual([email.slice(0, 40), 400, expect.stringContaining('email must be an email address')]);
    }
    const invite = await admin.submit('/dashboard/users', '/dashboard/users', { email: `${HTML}${BIDI}`, role: 'marketer' });
    expect(invite.statusCode).toBe(400);
    expect(liveIn(invite.body)).toBeUndefined();
    expect(alertText(invite.body)).toContain('email must be an email address');

    const [{ id }] = await db.query(`SELECT id FROM staff_user WHERE email = $1`, [formula]);
    const update = await admin.submit(`/dashboard/users/${id}`, `/dashboard/users/${id}`, { role: 'dealer', locations: [HTML, SQL] });
    expect(update.statusCode).toBe(400);
    expect(liveIn(update.body)).toBeUndefined();

    const { problems, bodies } = await pages(['/dashboard/users', `/dashboard/users/${id}`]);
    expect(problems).toEqual([]);
    expect(bodies.every((b) => b.includes('&#x3D;cmd|&#x27;/ccalc&#x27;!a0@example.com'))).toBe(true);
    expect(await csvExport('/api/users?format=csv')).toContain(`'=cmd|`);
  });

  it('alert notes and hide reasons: stored as text without overrides, escaped on the pages, formula-safe in the CSV, refused past the limit', async () => {
    const res = await api('POST', '/api/feedback', { responses: [{ responseId: 'A-1', email: 'a1@example.com', locationCode: OWN, score: 0, comment: 'note check' }] }, staff.apiKey);
    expect(res.json()).toMatchObject({ accepted: 1 });
    const openAlerts = async () => (await api('GET', '/api/alerts?status=open')).json() as Promise<{ id: string }[]>;
    const [alert, other] = (await waitFor(async () => ((await openAlerts()).length >= 2 ? openAlerts() : null), 'two open alerts'))!;
    expect((await api('POST', `/api/alerts/${alert.id}/resolve`, { note: `${FORMULA} ${tagged('N1')} ${SQL} ${BIDI}` })).statusCode).toBeLessThan(300);
    const tooLong = await admin.submit('/dashboard/alerts', `/dashboard/alerts/${other.id}/resolve`, { note: LONG });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('up to 2,000 characters');
    const [{ resolution_note: note }] = await db.query('SELECT resolution_note FROM detractor_alert WHERE id = $1', [alert.id]);
    expect(note).toContain(SQL);
    expect(note).not.toContain('\u202E');

    const { id: locationId } = await ownLocation();
    const { recommendationId } = await insertShare(db, { locationId, text: 'A fine place.' });
    const second = await insertShare(db, { locationId, text: 'Another fine place.' });
    expect((await api('POST', `/api/recommendations/${recommendationId}/hide`, { reason: `${FORMULA} ${tagged('R1')} ${BIDI}` })).statusCode).toBeLessThan(300);
    const long = await api('POST', `/api/recommendations/${second.recommendationId}/hide`, { reason: LONG });
    expect([long.statusCode, messages(long)]).toEqual([400, 'reason must be 1-300 characters']);
    const form = await admin.submit('/dashboard/recommendations', `/dashboard/recommendations/${second.recommendationId}/hide`, { reason: LONG });
    expect(form.statusCode).toBe(400);
    expect(form.body).toMatch(/1-300 characters/);
    const viaForm = await admin.submit('/dashboard/recommendations', `/dashboard/recommendations/${second.recommendationId}/hide`, { reason: `${tagged('R2')} ${BIDI}` });
    expect(viaForm.statusCode).toBe(303);

    const { problems, bodies } = await pages(['/dashboard/alerts?status=resolved', '/dashboard/recommendations?status=hidden']);
    expect(problems).toEqual([]);
    expect(bodies[0]).toContain(shown('N1'));
    expect([bodies[1].includes(shown('R1')), bodies[1].includes(shown('R2'))]).toEqual([true, true]);
    expect(await csvExport('/api/alerts?format=csv&status=resolved')).toContain(`'=HYPERLINK`);
    expect(await csvExport('/api/recommendations?format=csv&status=hidden')).toContain(`'=HYPERLINK`);
  });

  it('themes: a 10,000-character label is refused on the page as in the API; terms and labels are shown escaped', async () => {
    const api10k = await api('PUT', '/api/themes/wait-time', { label: LONG });
    expect(api10k.statusCode).toBe(400);
    const longTerm = await api('PUT', '/api/themes/wait-time', { terms: { en: [LONG] } });
    expect([longTerm.statusCode, messages(longTerm)]).toEqual([400, 'terms.en: each term is 1 to 80 characters']);
    const form = { enabled: 'on', terms_en: `wait\n${tagged('T1').slice(0, 80)}\n${FORMULA}`, terms_es: 'espera', terms_fr: 'attente' };
    const page = await admin.submit('/dashboard/themes', '/dashboard/themes/wait-time', { ...form, label: LONG });
    expect(page.statusCode).toBe(400);
    expect(page.body).toMatch(/label must be (shorter than or equal to 80|1-80) characters/);
    const [{ label }] = await db.query(`SELECT label FROM theme WHERE key = 'wait-time'`);
    expect(label.length).toBeLessThanOrEqual(80);
    const saved = await admin.submit('/dashboard/themes', '/dashboard/themes/wait-time', { ...form, label: `${tagged('T2').slice(0, 60)}${BIDI}` });
    expect(saved.statusCode).toBe(303);
    const { problems, bodies } = await pages(['/dashboard/themes', `/dashboard/locations/${OWN}/week`]);
    expect(problems).toEqual([]);
    expect([bodies[0].includes(shown('T1')), bodies[0].includes(shown('T2'))]).toEqual([true, true]);
    const [{ label: stored }] = await db.query(`SELECT label FROM theme WHERE key = 'wait-time'`);
    expect(stored).not.toContain('\u202E');
  });

  it('locations: address, city, hours and contact fields are stored without overrides and shown escaped on the public page; bad ones are refused by name', async () => {
    const ok = await api('PATCH', `/api/locations/${OWN}`, { address: `${tagged('AD')} ${BIDI}`, city: `${FORMULA}${BIDI}`.slice(0, 120), openingHours: `Mon ${tagged('OH').slice(0, 70)}\n${FORMULA}` });
    expect(ok.statusCode).toBe(200);
    expect(JSON.stringify(ok.json())).not.toContain('\u202E');
    const refused: [object, RegExp][] = [
      [{ address: LONG }, /address must be shorter than or equal to 300 characters/],
      [{ websiteUrl: 'javascript:alert(1)' }, /websiteUrl must be an http\(s\) URL/],
      [{ reviewUrl: `https://x.example/"${HTML}` }, /reviewUrl must be an http\(s\) URL/],
      [{ managerEmail: `${HTML}@example.com` }, /managerEmail must be an email address/],
      [{ managerEmail: `ana${BIDI}@example.com` }, /managerEmail must be an email address/],
      [{ phone: `1"><script>` }, /phone must be a phone number/],
      [{ openingHours: LONG }, /openingHours must be at most/],
    ];
    for (const [payload, message] of refused) {
      const res = await api('PATCH', `/api/locations/${OWN}`, payload);
      expect([payload, res.statusCode]).toEqual([payload, 400]);
      expect(messages(res)).toMatch(message);
    }
    const { problems, bodies } = await pages([`/l/${OWN}`, `/dashboard/locations/${OWN}/edit`, `/dashboard/locations/${OWN}`], admin);
    expect(problems).toEqual([]);
    expect(bodies.slice(0, 2).map((b) => [b.includes(shown('AD')), b.includes(shown('OH'))])).toEqual([[true, true], [true, true]]);
    expect(await csvExport('/api/locations?format=csv')).toContain(`'=HYPERLINK`);
  });

  it('locations and roster CSVs: hostile cells are stored cleaned or refused with their line, and the result pages show them escaped', async () => {
    const importPage = await admin.get('/dashboard/locations/import');
    const locationsCsv = [
      'code,name,address,city',
      `HX-1,"North ${HTML.replace(/"/g, '""')}${BIDI}","${FORMULA.replace(/"/g, '""')}",${BIDI}Town`,
      `"${HTML.replace(/"/g, '""')}",Bad code,,`,
      `HX-2,${'n'.repeat(10_000)},,`,
      `HX-3,Nul\u0000name,,`,
    ].join('\n');
    const imported = await admin.upload(`/dashboard/locations/import?_csrf=${encodeURIComponent(csrfTokenIn(importPage.body))}`, 'locations.csv', locationsCsv);
    expect(imported.statusCode).toBe(200);
    expect(imported.body).not.toMatch(LIVE);
    expect(imported.body).toContain(ESCAPED); // the refused code, shown back
    const [hx1] = await db.query(`SELECT name, address, city FROM location WHERE code = 'HX-1'`);
    expect(hx1.name).toContain('<script>');
    expect(JSON.stringify(hx1)).not.toContain('\u202E');
    expect(Number((await db.query(`SELECT COUNT(*) AS n FROM location WHERE code LIKE 'HX-%'`))[0].n)).toBe(1);

    const rosterPage = await admin.get(`/dashboard/locations/${OWN}/roster`);
    const rosterCsv = [
      'location_code,first_name,role',
      `${OWN},Sam,"${FORMULA.replace(/"/g, '""')} ${BIDI}"`,
      `${OWN},"${HTML.replace(/"/g, '""')}",x`,
      `"${HTML.replace(/"/g, '""')}",Al,`,
      `${OWN},Jo,${'r'.repeat(10_000)}`,
      `${OWN},Nu\u0000l,x`,
    ].join('\n');
    const roster = await admin.upload(`/dashboard/locations/${OWN}/roster/import?_csrf=${encodeURIComponent(csrfTokenIn(rosterPage.body))}`, 'roster.csv', rosterCsv);
    expect(roster.statusCode).toBe(200);
    expect(roster.body).not.toMatch(LIVE);
    const rejected = [...roster.body.matchAll(/[Ll]ine (\d+)/g)].map((m) => Number(m[1]));
    expect(new Set(rejected)).toEqual(new Set([3, 4, 5, 6]));
    const [sam] = await db.query(`SELECT role FROM roster_entry WHERE first_name = 'Sam'`);
    expect(sam.role).toContain('=HYPERLINK');
    expect(sam.role).not.toContain('\u202E');
    const { problems } = await pages([`/dashboard/locations/${OWN}/roster`, `/dashboard/locations/${OWN}/week`, '/dashboard/locations']);
    expect(problems).toEqual([]);
  });

  it('feedback files: a hostile filename, column names and cells are shown escaped; the saved mapping name has no override; exports are formula-safe', async () => {
    // The API import: a file named like a formula, a refused row whose id is a formula.
    const body = multipart(csv(csvRow(FORMULA, 'f1@example.com', OWN, 'eleven'), csvRow('F-2', 'f2@example.com', OWN, 9, `${HTML}`)), `=SUM(1+1)${BIDI}.csv`);
    const upload = await t.app.inject({ method: 'POST', url: '/api/imports', payload: body.payload, headers: { ...staff.marketer, ...body.headers } });
    expect(upload.statusCode).toBe(201);
    expect(upload.json()).toMatchObject({ status: 'done', accepted: 1, rejected: 1 });
    expect(upload.json().filename).not.toContain('\u202E');
    expect(await csvExport('/api/imports?format=csv')).toContain(`'=SUM(1+1)`);
    expect(await csvExport(`/api/imports/${upload.json().id}/errors?format=csv`)).toContain(`'=HYPERLINK`);

    // The mapping step: hostile header and sample values, a hostile filename, and a hostile name for the saved mapping.
    const file = [`Score,"${HTML.replace(/"/g, '""')}",Email`, `9,"${FORMULA.replace(/"/g, '""')} ${HTML.replace(/"/g, '""')}",m1@example.com`, '10,fine,m2@example.com'].join('\n') + '\n';
    const feedbackPage = await admin.get('/dashboard/feedback');
    const staged = await admin.upload(`/dashboard/feedback/uploads?_csrf=${encodeURIComponent(csrfTokenIn(feedbackPage.body))}`, `<img src=x onerror=alert(2)>${BIDI}.csv`, file);
    expect(staged.statusCode).toBe(303);
    const url = staged.headers.location as string;
    const step = await admin.get(url);
    expect(step.statusCode).toBe(200);
    expect(step.body).not.toMatch(LIVE);
    expect(step.body).toContain(ESCAPED);
    const done = await admin.post(url, { score: 'Score', comment: HTML, email: 'Email', dateFormat: 'iso', fileLocation: OWN, save: 'yes', saveName: `Saved ${HTML}${BIDI}` });
    expect(done.statusCode).toBe(303);
    const [saved] = await db.query('SELECT name FROM saved_mapping');
    expect(saved.name).toContain('<script>');
    expect(saved.name).not.toMatch(/[\u202E\u200B]/);

    const again = await admin.upload(`/dashboard/feedback/uploads?_csrf=${encodeURIComponent(csrfTokenIn((await admin.get('/dashboard/feedback')).body))}`, 'again.csv', file);
    const { problems, bodies } = await pages([again.headers.location as string, '/dashboard/feedback', done.headers.location as string]);
    expect(problems).toEqual([]);
    expect(bodies[0]).toContain('Saved &lt;script&gt;alert(');
    // A 10,000-character name is cut to the column's 100, not a failed import.
    const long = await admin.post(again.headers.location as string, { score: 'Score', email: 'Email', dateFormat: 'iso', fileLocation: OWN, save: 'yes', saveName: LONG });
    expect(long.statusCode).toBe(303);
    expect((await db.query(`SELECT name FROM saved_mapping WHERE name LIKE 'xxx%'`))[0].name).toHaveLength(100);
  });

  it('reward codes: a hostile pool file is refused line by line, a void reason is stored without overrides, a hostile code is refused', async () => {
    const campaign = await api('POST', '/api/campaigns', { name: 'Pool', locations: [OWN], channels: ['copy'], prompt: 'How was it?' });
    const id = campaign.json().id;
    const offer = await api('POST', `/api/campaigns/${id}/reward-offer`, { description: 'a wash', budget: 5, codeSource: 'pool' });
    expect(offer.statusCode).toBe(201);
    const pool = (text: string | Buffer) => {
      const part = multipart(text, 'codes.csv');
      return t.app.inject({ method: 'POST', url: `/api/campaigns/${id}/reward-offer/codes`, payload: part.payload, headers: { ...staff.admin, ...part.headers } });
    };
    const hostile = await pool(['code', 'GOOD-CODE-1', FORMULA, HTML, SQL, LONG, '+1-555-CODE', '@SUM(A1)', `WASH${BIDI}`].join('\n'));
    expect(hostile.statusCode).toBe(400);
    // All or none: every bad line named by its number (line 1 is the header, line 2 a good code).
    expect((hostile.json().message as string[]).map((m) => /^Line (\d+): Not a code/.exec(m)?.[1])).toEqual(['3', '4', '5', '6', '7', '8', '9']);
    expect((await pool('GOOD-CODE-1\nNUL\u0000CODE\n')).statusCode).toBe(400);
    expect(Number((await db.query('SELECT COUNT(*) AS n FROM reward_code WHERE offer_id = $1', [offer.json().id]))[0].n)).toBe(0);
    expect((await pool('GOOD-CODE-1\nGOOD-CODE-2\n')).statusCode).toBeLessThan(300);

    const [{ id: customerId }] = await db.query('SELECT id FROM customer LIMIT 1');
    await db.getRepository(RewardCode).update({ offerId: offer.json().id, code: 'GOOD-CODE-1' }, { status: 'issued', customerId, issuedAt: new Date() });
    const voided = await api('POST', '/api/rewards/codes/GOOD-CODE-1/void', { reason: `${FORMULA} ${HTML} ${BIDI}` });
    expect(voided.statusCode).toBeLessThan(300);
    expect(voided.json().voidReason).toContain('<script>');
    expect(voided.json().voidReason).not.toContain('\u202E');
    const long = await api('POST', '/api/rewards/codes/GOOD-CODE-2/void', { reason: LONG });
    expect([long.statusCode, messages(long)]).toEqual([400, 'reason must be 3-300 characters']);
    for (const code of [FORMULA, HTML, SQL, LONG]) {
      const res = await api('POST', '/api/rewards/redeem', { code }, staff.apiKey);
      expect([code.slice(0, 20), res.statusCode]).toEqual([code.slice(0, 20), 400]);
    }
    const lookup = await api('GET', `/api/rewards/codes/${encodeURIComponent(SQL)}`);
    expect([400, 404]).toContain(lookup.statusCode);
    const { problems } = await pages([`/dashboard/campaigns/${id}/reward`]);
    expect(problems).toEqual([]);
    await csvExport(`/api/campaigns/${id}/reward-offer/report?format=csv`);
  });

  it('campaigns: prompt overrides lose their overrides, 10,000 characters are refused by name, a hostile test address is refused', async () => {
    const created = await api('POST', '/api/campaigns', { name: 'Overrides', locations: [OWN], channels: ['copy'], promptOverrides: { [OWN]: `${tagged('PO')} ${BIDI}` } });
    expect(created.statusCode).toBe(201);
    expect(JSON.stringify(created.json().promptOverrides)).not.toContain('\u202E');
    for (const [payload, message] of [
      [{ name: LONG }, 'name must be 1-200 characters'],
      [{ name: 'x', prompt: LONG }, 'prompt must be 1-500 characters'],
      [{ name: 'x', promptOverrides: { [OWN]: LONG } }, 'promptOverrides must map location codes to prompts of 1-500 characters'],
      [{ name: 'x', promptOverrides: { [HTML]: 'x' } }, 'promptOverrides must map location codes to prompts of 1-500 characters'],
    ] as const) {
      const res = await api('POST', '/api/campaigns', payload);
      expect([res.statusCode, messages(res)]).toEqual([400, message]);
    }
    const form = await admin.submit('/dashboard/campaigns/new', '/dashboard/campaigns', { name: LONG, locationsMode: 'all', minScore: '9', lookBackDays: '90', channels: ['copy'], prompt: 'x' });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain('1-200 characters');
    for (const email of [`${HTML}@example.com`, LONG, `a${BIDI}@example.com`]) {
      const res = await api('POST', `/api/campaigns/${created.json().id}/test-send`, { email });
      expect([email.slice(0, 20), res.statusCode]).toEqual([email.slice(0, 20), 400]);
    }
    const { problems, bodies } = await pages([`/dashboard/campaigns/${created.json().id}`, `/dashboard/campaigns/${created.json().id}/edit`]);
    expect(problems).toEqual([]);
    expect(bodies[1]).toContain(shown('PO'));
    await csvExport(`/api/campaigns/${created.json().id}/funnel?format=csv`);
  });

  it('sign-in, password reset, fresh links and privacy requests: hostile addresses get a page or a 4xx with a reason, shown back escaped', async () => {
    const visitor = new FormBrowser(t.app);
    for (const email of [`${HTML}${BIDI}`, `${SQL}@example.com`, LONG]) {
      await visitor.get('/login');
      const res = await visitor.post('/login', { email, password: 'wrong-password', next: `javascript:${HTML}` });
      expect([email.slice(0, 20), res.statusCode]).toEqual([email.slice(0, 20), 401]);
      expect(liveIn(res.body)).toBeUndefined();
      const json = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'x' } });
      expect([email.slice(0, 20), json.statusCode, messages(json)]).toEqual([email.slice(0, 20), 400, expect.stringContaining('email must be an email address')]);
      const reset = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
      expect([email.slice(0, 20), reset.statusCode]).toEqual([email.slice(0, 20), 400]);
      await visitor.get('/forgot-password');
      const forgot = await visitor.post('/forgot-password', { email });
      expect([email.slice(0, 20), forgot.statusCode]).toEqual([email.slice(0, 20), 400]);
      expect(liveIn(forgot.body)).toBeUndefined();
    }
    const quoted = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: '"<script>alert(1)</script>"@example.com' } });
    expect(quoted.statusCode).toBeLessThan(300);

    const invalid = await visitor.get('/i/not-a-token');
    expect(invalid.statusCode).toBeLessThan(500);
    const fresh = await visitor.post('/links/fresh', { email: `${HTML}@example.com`, kind: 'invitation' }, csrfTokenIn(invalid.body));
    expect([200, 429]).toContain(fresh.statusCode);
    expect(liveIn(fresh.body)).toBeUndefined();

    for (const action of ['export', 'erase']) {
      for (const email of [`${HTML}${BIDI}`, LONG, `"<script>alert(1)</script>"@example.com`]) {
        const res = await admin.submit('/dashboard/privacy', `/dashboard/privacy/${action}`, { email, confirm: 'erase' });
        expect([action, email.slice(0, 20), res.statusCode < 500]).toEqual([action, email.slice(0, 20), true]);
        if (res.headers['content-type']?.toString().includes('html')) expect(liveIn(res.body)).toBeUndefined();
      }
    }
    for (const payload of [{ text: `${HTML} ${BIDI} ${SQL}` }, { text: 'ok', disclosure: HTML }]) {
      expect((await t.app.inject({ method: 'POST', url: '/x-length', payload })).statusCode).toBe(200);
    }
    const long = await t.app.inject({ method: 'POST', url: '/x-length', payload: { text: LONG } });
    expect([long.statusCode, messages(long)]).toEqual([400, expect.stringMatching(/text must be shorter than or equal to \d+ characters/)]);
  });

  it('hostile filters and path parameters: a 4xx with a reason or an empty answer, never a 500, never markup', async () => {
    const q = encodeURIComponent;
    const [{ id: campaignId }] = await db.query('SELECT id FROM campaign LIMIT 1');
    const apiFilters: [string, number[]][] = [
      [`/api/audit?actor=${q(SQL)}`, [200]],
      [`/api/audit?action=${q(HTML)}&entity=${q(SQL)}&from=${q(FORMULA)}&actorType=${q(SQL)}`, [400]],
      [`/api/audit?entityId=${q(LONG)}`, [400]],
      [`/api/recommendations?location=${q(SQL)}&status=${q(HTML)}&campaign=${q(FORMULA)}&from=${q(BIDI)}`, [400]],
      [`/api/recommendations?location=${q(LONG)}`, [400]],
      [`/api/recommendations?location=${q(SQL)}`, [200, 404]],
      [`/api/alerts?location=${q(HTML)}&order=${q(SQL)}`, [400]],
      [`/api/alerts?location=${q(SQL)}`, [200, 404]],
      [`/api/nps?location=${q(SQL)}&from=${q(HTML)}&interval=${q(BIDI)}`, [400]],
      [`/api/promoters?consent=${q(HTML)}&minScore=${q(SQL)}`, [400]],
      [`/api/campaigns?location=${q(LONG)}`, [400]],
      [`/api/campaigns?location=${q(SQL)}`, [200, 404]],
      [`/api/imports?format=${q(HTML)}`, [400]],
      [`/api/reports/dealer?from=${q(HTML)}&to=${q(SQL)}&location=${q(BIDI)}&campaign=${q(FORMULA)}&days=${q(LONG)}`, [400]],
      [`/api/reports/locations/${q(HTML)}`, [400, 404]],
      [`/api/reports/locations/${OWN}?from=${q(SQL)}`, [400]],
      [`/api/reports/campaigns/${q(SQL)}`, [400, 404]],
      [`/api/reports/campaigns/${campaignId}?to=${q(HTML)}`, [400]],
      [`/api/locations/${q(HTML)}`, [404]],
    ];
    const wrong: string[] = [];
    for (const [url, expected] of apiFilters) {
      const res = await api('GET', url);
      if (!expected.includes(res.statusCode)) wrong.push(`${url.slice(0, 80)}: ${res.statusCode}`);
      if (res.statusCode === 400 && !messages(res)) wrong.push(`${url.slice(0, 80)}: 400 without a reason`);
    }
    expect(wrong).toEqual([]);
    expect(Number((await db.query('SELECT COUNT(*) AS n FROM customer'))[0].n)).toBeGreaterThan(0); // no table was dropped

    const staffPages = [
      `/dashboard/recommendations?location=${q(HTML)}&status=${q(SQL)}&campaign=${q(FORMULA)}&from=${q(BIDI)}`,
      `/dashboard/nps?location=${q(HTML)}&from=${q(SQL)}&interval=${q(BIDI)}`,
      `/dashboard/alerts?order=${q(HTML)}&location=${q(SQL)}`,
      `/dashboard/reports?from=${q(HTML)}&to=${q(SQL)}&campaign=${q(FORMULA)}&location=${q(BIDI)}`,
      `/dashboard/reports/locations/${q(HTML)}`,
      `/dashboard/reports/campaigns/${q(SQL)}`,
      `/dashboard/feedback?upload=${q(HTML)}&id=${q(SQL)}`,
      `/dashboard/users?notice=${q(HTML)}`,
    ];
    const staffResult = await pages(staffPages, admin, (status) => status < 500);
    expect(staffResult.problems).toEqual([]);

    const visitor = new FormBrowser(t.app);
    const publicPages = [
      `/login?next=${q(`javascript:${HTML}`)}&notice=${q(HTML)}`, `/l/${q(HTML)}`, `/p/${q(SQL)}`, `/i/${q(HTML)}`,
      `/preferences/${q(HTML)}`, `/export/${q(HTML)}`, `/digest/unsubscribe?t=${q(HTML)}`, `/reset-password/${q(HTML)}`,
      `/auth/x/callback?state=${q(HTML)}&code=${q(SQL)}&error=${q(HTML)}&error_description=${q(BIDI)}`,
    ];
    const publicResult = await pages(publicPages, visitor, (status) => status < 500);
    expect(publicResult.problems).toEqual([]);
    const login = await visitor.get(`/login?next=${q(`javascript:${HTML}`)}`);
    expect(login.body).not.toContain('value="javascript:<');
    const unsubscribe = await t.app.inject({ method: 'POST', url: `/digest/unsubscribe?t=${q(HTML)}` });
    expect(unsubscribe.statusCode).toBeLessThan(500);
    expect(unsubscribe.body).not.toMatch(LIVE);
  });
});
