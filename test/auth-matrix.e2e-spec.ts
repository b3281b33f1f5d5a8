import { BadRequestException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { cliActor } from '../src/common/actor';
import { LocationsService } from '../src/locations/locations.service';
import { SettingsService } from '../src/settings/settings.service';
import { UsersService } from '../src/users/users.service';
import { insertShare } from './factories/shares';
import { createTestApp, Dialect, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';
import { matchesRoute, registeredRoutes } from './support/staff-routes';

/**
 * Who may call what: every route × caller (× own/other location for dealers) → expected status.
 * A new route joins by adding rows to MATRIX; everything else here stays as it is.
 */
type Who = 'anonymous' | 'admin' | 'marketer' | 'dealer' | 'apiKey';
const WHO: Who[] = ['anonymous', 'admin', 'marketer', 'dealer', 'apiKey'];

interface Fixture {
  /** Ids made in beforeAll for rows that act on an existing record. */
  userId: string;
  apiKeyId: string;
  /** Campaigns at the dealer's location, at another one, and one that has ended. */
  campaignOwnId: string;
  campaignOtherId: string;
  campaignEndedId: string;
  /** Approved recommendations at the dealer's location and at another one. */
  recommendationOwnId: string;
  recommendationOtherId: string;
}

interface MatrixRow {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** `OWN` is the dealer's location, `OTHER` one they are not assigned to. */
  path: string | ((f: Fixture) => string);
  /** A body per caller, so rows that succeed for several callers don't collide (unique codes, emails). */
  body?: (who: Who) => object;
  expect: Record<Who, number>;
  note?: string;
  /** Signed-in callers use a session of their own: the row ends it (sign-out), so the shared one must not be used. */
  ownSession?: true;
}

const OWN = 'LOC-A';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const OTHER = 'LOC-B';
const allowed = (statuses: Partial<Record<Who, number>>, otherwise = 403): Record<Who, number> => ({
  anonymous: 401,
  admin: otherwise,
  marketer: otherwise,
  dealer: otherwise,
  apiKey: otherwise,
  ...statuses,
});

/** /api routes whose callers are not staff or API keys, each tested where it lives (the reason says where). */
const NOT_IN_MATRIX = new Map<string, string>([
  ['POST /api/auth/login', 'public by design: the sign-in tests below and the shared login limit'],
  ['POST /api/auth/password-reset', 'public by design: password-reset.e2e-spec (one answer for every address)'],
  ['POST /api/auth/logout-everywhere', 'ends every session of the caller, the shared ones too: "logs out everywhere" below'],
  ['POST /api/auth/password-reset/confirm', 'public by design: password-reset.e2e-spec (token checks)'],
]);

const MATRIX: MatrixRow[] = [
  // campaigns: admins and marketers manage; dealers read those that include one of their locations (others: 404)
  { method: 'GET', path: '/api/campaigns', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'GET', path: '/api/campaigns?format=csv', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'POST', path: '/api/campaigns', body: (who) => ({ name: `Matrix ${who}` }), expect: allowed({ admin: 201, marketer: 201 }) },
  { method: 'GET', path: (f) => `/api/campaigns/${f.campaignOwnId}`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  {
    method: 'GET',
    path: (f) => `/api/campaigns/${f.campaignOtherId}`,
    expect: allowed({ admin: 200, marketer: 200, dealer: 404 }),
    note: "other: a dealer can't tell it exists",
  },
  { method: 'PATCH', path: (f) => `/api/campaigns/${f.campaignOwnId}`, body: () => ({ prompt: 'How was your visit?' }), expect: allowed({ admin: 200, marketer: 200 }) },
  { method: 'POST', path: (f) => `/api/campaigns/${f.campaignOwnId}/dry-run`, expect: allowed({ admin: 200, marketer: 200 }) },
  ...(['launch', 'pause', 'resume', 'end'] as const).map(
    (action): MatrixRow => ({
      method: 'POST',
      path: (f) => `/api/campaigns/${f.campaignEndedId}/${action}`,
      expect: allowed({ admin: 409, marketer: 409 }),
      note: 'an ended campaign: reaches the state check only when allowed',
    }),
  ),
  { method: 'POST', path: (f) => `/api/campaigns/${f.campaignOwnId}/test-send`, body: () => ({}), expect: allowed({ admin: 200, marketer: 200 }), note: 'to the caller' },
  { method: 'GET', path: (f) => `/api/campaigns/${f.campaignOwnId}/funnel`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: (f) => `/api/campaigns/${f.campaignOtherId}/funnel`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  // recommendations: all staff read (dealers their locations' only); only admins and marketers hide or show again
  { method: 'GET', path: '/api/recommendations', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'GET', path: '/api/recommendations?format=csv', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'GET', path: `/api/recommendations?location=${OWN}`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: `/api/recommendations?location=${OTHER}`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  ...(['hide', 'unhide'] as const).flatMap((action) =>
    (['Own', 'Other'] as const).map(
      (where): MatrixRow => ({
        method: 'POST',
        path: (f) => `/api/recommendations/${f[`recommendation${where}Id`]}/${action}`,
        body: action === 'hide' ? () => ({ reason: 'Names another customer' }) : undefined,
        expect: allowed({ admin: 200, marketer: 200 }),
        note: where === 'Own' ? 'own: dealers may not, even here' : 'other',
      }),
    ),
  ),
  {
    method: 'POST',
    path: `/api/recommendations/${UNKNOWN_ID}/hide`,
    body: () => ({ reason: 'Names another customer' }),
    expect: allowed({ admin: 404, marketer: 404 }),
  },
  { method: 'POST', path: '/api/recommendations/not-a-uuid/unhide', expect: allowed({ admin: 400, marketer: 400 }) },
  // customer links: public, authenticated by the token alone; every bad token gets the same 404 page
  { method: 'GET', path: '/i/not-a-valid-token', expect: allowed({ anonymous: 404, admin: 404, marketer: 404, dealer: 404, apiKey: 404 }) },
  { method: 'GET', path: '/preferences/not-a-valid-token', expect: allowed({ anonymous: 404, admin: 404, marketer: 404, dealer: 404, apiKey: 404 }) },
  {
    method: 'POST',
    path: '/preferences/not-a-valid-token/unsubscribe',
    expect: allowed({ anonymous: 404, admin: 404, marketer: 404, dealer: 404, apiKey: 404 }),
    note: 'RFC 8058 one-click: no cookie or CSRF token needed',
  },
  { method: 'GET', path: '/preferences/not-a-valid-token/erase', expect: allowed({ anonymous: 404, admin: 404, marketer: 404, dealer: 404, apiKey: 404 }) },
  {
    method: 'POST',
    path: '/preferences/not-a-valid-token/erase',
    expect: allowed({ anonymous: 403, admin: 403, marketer: 403, dealer: 403, apiKey: 403 }),
    note: 'a form post: refused without its CSRF token',
  },
  {
    method: 'POST',
    path: '/preferences/not-a-valid-token/export',
    expect: allowed({ anonymous: 403, admin: 403, marketer: 403, dealer: 403, apiKey: 403 }),
    note: 'a form post: refused without its CSRF token',
  },
  { method: 'GET', path: '/export/not-a-valid-token', expect: allowed({ anonymous: 404, admin: 404, marketer: 404, dealer: 404, apiKey: 404 }) },
  { method: 'GET', path: '/export/not-a-valid-token/data.json', expect: allowed({ anonymous: 404, admin: 404, marketer: 404, dealer: 404, apiKey: 404 }) },
  // privacy: the page is public; export and erasure by staff are for admins only
  { method: 'GET', path: '/privacy', expect: allowed({ anonymous: 200, admin: 200, marketer: 200, dealer: 200, apiKey: 200 }) },
  {
    method: 'POST',
    path: '/api/customers/erase',
    body: (who) => ({ email: `matrix-erase-${who}@example.com`, deleteXPosts: false }),
    expect: allowed({ admin: 200 }),
  },
  { method: 'POST', path: '/api/customers/export', body: () => ({ email: 'matrix-nobody@example.com' }), expect: allowed({ admin: 404 }) },
  { method: 'GET', path: '/dashboard/privacy', expect: allowed({ admin: 200 }) },
  // staff administration: admins only
  { method: 'GET', path: '/api/users', expect: allowed({ admin: 200 }) },
  { method: 'GET', path: '/api/users?format=csv', expect: allowed({ admin: 200 }) },
  {
    method: 'POST',
    path: '/api/users',
    body: (who) => ({ email: `matrix-${who}@example.com`, role: 'marketer' }),
    expect: allowed({ admin: 201 }),
  },
  { method: 'PATCH', path: (f) => `/api/users/${f.userId}`, body: () => ({ role: 'marketer' }), expect: allowed({ admin: 200 }) },
  { method: 'GET', path: '/api/api-keys', expect: allowed({ admin: 200 }) },
  { method: 'POST', path: '/api/api-keys', body: (who) => ({ name: `matrix ${who}` }), expect: allowed({ admin: 201 }) },
  { method: 'DELETE', path: (f) => `/api/api-keys/${f.apiKeyId}`, expect: allowed({ admin: 200 }) },
  // the audit log: admins read it (no route changes a row)
  { method: 'GET', path: '/api/audit', expect: allowed({ admin: 200 }) },
  { method: 'GET', path: '/api/audit?format=csv', expect: allowed({ admin: 200 }) },
  { method: 'GET', path: '/api/audit/verify', expect: allowed({ admin: 200 }) },
  { method: 'GET', path: '/dashboard/audit', expect: allowed({ admin: 200 }) },
  { method: 'GET', path: '/api/settings', expect: allowed({ admin: 200, marketer: 200 }) },
  { method: 'PATCH', path: '/api/settings', body: () => ({ alertWindowDays: 14 }), expect: allowed({ admin: 200 }) },

  // locations: everyone on staff reads (dealers only their own), admins and marketers edit
  { method: 'GET', path: '/api/locations', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  {
    method: 'POST',
    path: '/api/locations',
    body: (who) => ({ code: `NEW-${who.toUpperCase()}`, name: 'New location' }),
    expect: allowed({ admin: 201, marketer: 201 }),
  },
  { method: 'GET', path: `/api/locations/${OWN}`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  {
    method: 'GET',
    path: `/api/locations/${OTHER}`,
    expect: allowed({ admin: 200, marketer: 200, dealer: 404 }),
    note: "other: a dealer can't tell it exists",
  },
  { method: 'PATCH', path: `/api/locations/${OWN}`, body: () => ({ city: 'Springfield' }), expect: allowed({ admin: 200, marketer: 200 }), note: 'own' },
  { method: 'PATCH', path: `/api/locations/${OTHER}`, body: () => ({ city: 'Shelbyville' }), expect: allowed({ admin: 200, marketer: 200 }), note: 'other' },

  // the signed-in user's own session
  { method: 'GET', path: '/api/auth/me', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  {
    method: 'POST',
    path: '/api/auth/password',
    body: () => ({ currentPassword: 'not-the-password', newPassword: 'long-enough-new-password' }),
    expect: allowed({ admin: 400, marketer: 400, dealer: 400 }),
    note: 'reaches the password check (wrong current password) only when signed in',
  },
  { method: 'POST', path: '/api/auth/logout', ownSession: true, expect: allowed({ anonymous: 204, admin: 204, marketer: 204, dealer: 204, apiKey: 204 }) },

  // reward offers: everyone who sees the campaign reads its offer; admins and marketers change it (none exists here)
  { method: 'GET', path: (f) => `/api/campaigns/${f.campaignOwnId}/reward-offer`, expect: allowed({ admin: 404, marketer: 404, dealer: 404 }) },
  { method: 'GET', path: (f) => `/api/campaigns/${f.campaignOwnId}/reward-offer/report`, expect: allowed({ admin: 404, marketer: 404, dealer: 404 }) },
  {
    method: 'POST',
    path: (f) => `/api/campaigns/${f.campaignEndedId}/reward-offer`,
    body: () => ({ description: 'a free car wash', budget: 10, codeSource: 'generated', codePrefix: 'WASH' }),
    note: 'ended campaign',
    expect: allowed({ admin: 409, marketer: 409 }),
  },
  { method: 'PATCH', path: (f) => `/api/campaigns/${f.campaignOwnId}/reward-offer`, body: () => ({ budget: 20 }), expect: allowed({ admin: 404, marketer: 404 }) },
  { method: 'DELETE', path: (f) => `/api/campaigns/${f.campaignOwnId}/reward-offer`, expect: allowed({ admin: 404, marketer: 404 }) },
  { method: 'POST', path: (f) => `/api/campaigns/${f.campaignOwnId}/reward-offer/codes`, note: 'not multipart', expect: allowed({ admin: 400, marketer: 400 }) },
  // reward codes: the counter (staff or the till's API key) redeems and looks up; only staff void
  { method: 'POST', path: '/api/rewards/redeem', body: () => ({ code: 'NOPE-1234' }), expect: allowed({ admin: 404, marketer: 404, apiKey: 404 }) },
  { method: 'GET', path: '/api/rewards/codes/NOPE-1234', expect: allowed({ admin: 404, marketer: 404, apiKey: 404 }) },
  { method: 'POST', path: '/api/rewards/codes/NOPE-1234/void', body: () => ({ reason: 'issued by mistake' }), expect: allowed({ admin: 404, marketer: 404 }) },

  // feedback ingest: admins and marketers import files; only API keys call the webhook
  { method: 'GET', path: '/api/imports', expect: allowed({ admin: 200, marketer: 200 }) },
  { method: 'GET', path: '/api/imports?format=csv', expect: allowed({ admin: 200, marketer: 200 }) },
  {
    method: 'POST',
    path: '/api/imports',
    body: () => ({ file: 'not multipart' }),
    expect: allowed({ admin: 400, marketer: 400 }),
    note: 'reaches the multipart check only when allowed',
  },
  {
    method: 'POST',
    path: '/api/imports/preview',
    body: () => ({ file: 'not multipart' }),
    expect: allowed({ admin: 400, marketer: 400 }),
    note: 'the mapping step; reaches the multipart check only when allowed',
  },
  { method: 'GET', path: `/api/imports/${UNKNOWN_ID}`, expect: allowed({ admin: 404, marketer: 404 }) },
  { method: 'GET', path: `/api/imports/${UNKNOWN_ID}/errors?format=csv`, expect: allowed({ admin: 404, marketer: 404 }) },
  { method: 'GET', path: `/api/imports/${UNKNOWN_ID}/problems`, expect: allowed({ admin: 404, marketer: 404 }) },
  {
    method: 'POST',
    path: '/api/feedback',
    body: (who) => ({ responseId: `matrix-${who}`, email: `${who}@customers.example.com`, locationCode: OWN, score: 9 }),
    expect: allowed({ apiKey: 200 }),
  },

  // reach reports: all staff; dealers their own locations, and campaigns with one of them (others: 404)
  { method: 'GET', path: '/api/reports/dealer', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'GET', path: '/api/reports/dealer?days=90&compare=previous&format=csv', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'GET', path: `/api/reports/locations/${OWN}?compare=previous`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: `/api/reports/locations/${OWN}?format=csv`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: `/api/reports/locations/${OTHER}`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: `/api/reports/locations/${OTHER}?format=csv`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: (f) => `/api/reports/campaigns/${f.campaignOwnId}?from=2026-01-01&to=2026-03-31`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: (f) => `/api/reports/campaigns/${f.campaignOtherId}`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: (f) => `/api/reports/campaigns/${f.campaignOtherId}?format=csv`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: `/api/reports/dealer?location=${OTHER}`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: '/api/reports/dealer?from=2026-03-01&to=2026-02-01', expect: allowed({ admin: 400, marketer: 400, dealer: 400 }) },

  // segments and alerts: all staff, dealers only for their own locations
  { method: 'GET', path: '/api/nps', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'GET', path: `/api/nps?location=${OWN}&interval=month`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: `/api/nps?location=${OTHER}`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: '/api/promoters', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'GET', path: `/api/promoters?location=${OWN}&format=csv`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: `/api/promoters?location=${OTHER}`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: '/api/alerts?status=open', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'GET', path: `/api/alerts?location=${OTHER}`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  {
    method: 'POST',
    path: `/api/alerts/${UNKNOWN_ID}/resolve`,
    body: () => ({ note: 'Called the customer' }),
    expect: allowed({ admin: 404, marketer: 404, dealer: 404 }),
    note: 'dealer scope on a real alert: test/alerts.e2e-spec.ts',
  },

  // the manager's week and themes: all staff read (dealers their own locations); admins and marketers edit themes
  { method: 'GET', path: `/api/locations/${OWN}/week`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: `/api/locations/${OTHER}/week`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: '/api/themes', expect: allowed({ admin: 200, marketer: 200, dealer: 200 }) },
  { method: 'PUT', path: '/api/themes/price', body: () => ({ label: 'Price' }), expect: allowed({ admin: 200, marketer: 200 }) },
  { method: 'PUT', path: '/api/themes/no-such-theme', body: () => ({ label: 'Nope' }), expect: allowed({ admin: 404, marketer: 404 }) },
  { method: 'GET', path: `/dashboard/locations/${OWN}/week`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: "own (a browser without a session is sent to /login)" },
  { method: 'GET', path: `/dashboard/locations/${OTHER}/week`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: `/dashboard/locations/${OWN}/roster`, expect: allowed({ admin: 200, marketer: 200, dealer: 200 }), note: 'own' },
  { method: 'GET', path: `/dashboard/locations/${OTHER}/roster`, expect: allowed({ admin: 200, marketer: 200, dealer: 404 }), note: 'other' },
  { method: 'GET', path: '/dashboard/themes', expect: allowed({ admin: 200, marketer: 200 }) },
  { method: 'GET', path: '/digest/unsubscribe?t=bad.token', expect: allowed({ anonymous: 404, admin: 404, marketer: 404, dealer: 404, apiKey: 404 }), note: 'public; an unknown link' },
  { method: 'POST', path: '/digest/unsubscribe?t=bad.token', expect: allowed({ anonymous: 404, admin: 404, marketer: 404, dealer: 404, apiKey: 404 }), note: 'public one-click; an unknown link' },
];

const PASSWORDS = { admin: 'admin-password-123', marketer: 'marketer-password-123', dealer: 'dealer-password-123' };

describe.each<Dialect>(['postgres', 'sqlite'])('staff auth and authorisation (%s)', (dialect) => {
  let t: TestApp;
  let users: UsersService;
  let apiKeys: ApiKeysService;
  let db: DataSource;
  const credentials: Partial<Record<Who, Record<string, string>>> = {};
  const ids: Record<string, string> = {};
  const fixture = {} as Fixture;
  const setup = cliActor('test');

  const inject = (opts: Parameters<TestApp['app']['inject']>[0]) => t.app.inject(opts);
  const login = (email: string, password: string) => inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  async function tokenFor(email: string, password: string): Promise<string> {
    const res = await login(email, password);
    expect(res.statusCode).toBe(200);
    return res.json().accessToken;
  }
  const asAdmin = (method: MatrixRow['method'], url: string, payload?: object) =>
    inject({ method, url, payload, headers: credentials.admin });
  const auditRows = (action: string) =>
    db.query(`SELECT actor_type, actor_id, subject_type, subject_id, details FROM audit_event WHERE action = '${action}'`);

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    users = t.app.get(UsersService);
    apiKeys = t.app.get(ApiKeysService);
    db = t.app.get(DataSource);
    const locations = t.app.get(LocationsService);
    const locationIds: Record<string, string> = {};
    for (const code of [OWN, OTHER]) locationIds[code] = (await locations.create(setup, { code, name: `Location ${code}` })).id;

    ids.admin = (await users.create(setup, { email: 'admin@example.com', role: 'admin', password: PASSWORDS.admin })).user.id;
    ids.marketer = (await users.create(setup, { email: 'marketer@example.com', role: 'marketer', password: PASSWORDS.marketer })).user.id;
    ids.dealer = (
      await users.create(setup, { email: 'dealer@example.com', role: 'dealer', locationCodes: [OWN], password: PASSWORDS.dealer })
    ).user.id;
    for (const role of ['admin', 'marketer', 'dealer'] as const) {
      credentials[role] = bearer(await tokenFor(`${role}@example.com`, PASSWORDS[role]));
    }
    credentials.apiKey = { 'x-api-key': (await apiKeys.create(setup, 'matrix')).key };
    credentials.anonymous = {};

    fixture.userId = (await users.create(setup, { email: 'target@example.com', role: 'marketer' })).user.id;
    fixture.apiKeyId = (await apiKeys.create(setup, 'to be revoked')).apiKey.id;
    const campaigns = t.app.get(CampaignsService);
    fixture.campaignOwnId = (await campaigns.create(setup, { name: 'Own campaign', locations: [OWN] })).id;
    fixture.campaignOtherId = (await campaigns.create(setup, { name: 'Other campaign', locations: [OTHER] })).id;
    fixture.campaignEndedId = (await campaigns.create(setup, { name: 'Ended campaign' })).id;
    await campaigns.end(setup, fixture.campaignEndedId);
    fixture.recommendationOwnId = (await insertShare(db, { locationId: locationIds[OWN] })).recommendationId;
    fixture.recommendationOtherId = (await insertShare(db, { locationId: locationIds[OTHER] })).recommendationId;
  });
  afterAll(() => t?.close());

  describe('route × caller matrix', () => {
    const cases = MATRIX.flatMap((row) =>
      WHO.map((who) => {
        const placeholders: Fixture = {
          userId: ':userId',
          apiKeyId: ':apiKeyId',
          campaignOwnId: ':ownCampaign',
          campaignOtherId: ':otherCampaign',
          campaignEndedId: ':endedCampaign',
          recommendationOwnId: ':ownRecommendation',
          recommendationOtherId: ':otherRecommendation',
        };
        const path = typeof row.path === 'string' ? row.path : row.path(placeholders);
        return { title: `${row.method} ${path}${row.note ? ` (${row.note})` : ''} as ${who} → ${row.expect[who]}`, row, who };
      }),
    );
    it.each(cases)('$title', async ({ row, who }) => {
      const url = typeof row.path === 'string' ? row.path : row.path(fixture);
      const staff = who === 'admin' || who === 'marketer' || who === 'dealer';
      const headers = row.ownSession && staff ? bearer(await tokenFor(`${who}@example.com`, PASSWORDS[who])) : credentials[who];
      const res = await inject({ method: row.method, url, payload: row.body?.(who), headers });
      const expected = row.expect[who];
      // The body is shown only when the status is wrong, to explain why.
      expect({ status: res.statusCode, body: res.statusCode === expected ? '' : res.body }).toEqual({ status: expected, body: '' });
    });

    it('has a row for every registered /api route (a new route must join the matrix)', () => {
      const rows = MATRIX.map((row) => ({ method: row.method, url: typeof row.path === 'string' ? row.path : row.path(fixture) }));
      const missing = registeredRoutes(t.app)
        .filter((route) => route.path.startsWith('/api/') && !NOT_IN_MATRIX.has(`${route.method} ${route.path}`))
        .filter((route) => !rows.some((row) => row.method === route.method && matchesRoute(route.path, row.url)))
        .map((route) => `${route.method} ${route.path} (${route.handler})`);
      expect(missing).toEqual([]);
    });

    it('answers only what the OpenAPI document says each /api route answers', async () => {
      const { paths } = (await inject({ method: 'GET', url: '/api/docs-json' })).json() as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      };
      const templateOf = (url: string) =>
        Object.keys(paths).find((template) => new RegExp(`^${template.replace(/\{[^/]+\}/g, '[^/]+')}$`).test(url.split('?')[0]));
      const undocumented = MATRIX.flatMap((row) => {
        const url = typeof row.path === 'string' ? row.path : row.path(fixture);
        if (!url.startsWith('/api/')) return [];
        const operation = paths[templateOf(url) ?? '']?.[row.method.toLowerCase()];
        return WHO.filter((who) => !operation?.responses[row.expect[who]]).map((who) => `${row.method} ${url} as ${who} → ${row.expect[who]}`);
      });
      expect(undocumented).toEqual([]);
    });
  });

  describe('location scope', () => {
    it('lists only the dealer’s own locations', async () => {
      const dealer = await inject({ method: 'GET', url: '/api/locations', headers: credentials.dealer });
      expect(dealer.json().map((l: { code: string }) => l.code)).toEqual([OWN]);
      const marketer = await inject({ method: 'GET', url: '/api/locations', headers: credentials.marketer });
      expect(marketer.json().map((l: { code: string }) => l.code)).toEqual(expect.arrayContaining([OWN, OTHER]));
    });

    it('applies a changed assignment to the next request, without signing in again', async () => {
      await asAdmin('PATCH', `/api/users/${ids.dealer}`, { locations: [OWN, OTHER] });
      const both = await inject({ method: 'GET', url: `/api/locations/${OTHER}`, headers: credentials.dealer });
      expect(both.statusCode).toBe(200);
      await asAdmin('PATCH', `/api/users/${ids.dealer}`, { locations: [OWN] });
      const back = await inject({ method: 'GET', url: `/api/locations/${OTHER}`, headers: credentials.dealer });
      expect(back.statusCode).toBe(404);
    });
  });

  describe('sign-in', () => {
    it('answers {accessToken} and sets an httpOnly SameSite=Lax cookie that also authenticates', async () => {
      const res = await login('MARKETER@Example.com ', PASSWORDS.marketer);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ accessToken: expect.any(String) });
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^access_token=[^;]+;/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http in tests

      const token = res.json().accessToken;
      const me = await inject({ method: 'GET', url: '/api/auth/me', cookies: { access_token: token } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ id: ids.marketer, email: 'marketer@example.com', role: 'marketer' });
      expect(me.json()).not.toHaveProperty('passwordHash');
      const [row] = await db.query(`SELECT last_login_at FROM staff_user WHERE id = '${ids.marketer}'`);
      expect(row.last_login_at).not.toBeNull();
    });

    it('refuses a cookie-authenticated write from another site, but not a bearer one', async () => {
      const token = await tokenFor('admin@example.com', PASSWORDS.admin);
      const patch = (headers: Record<string, string>, cookies?: Record<string, string>) =>
        inject({ method: 'PATCH', url: '/api/settings', payload: { alertWindowDays: 14 }, headers, cookies });
      expect((await patch({ 'sec-fetch-site': 'cross-site' }, { access_token: token })).statusCode).toBe(403);
      expect((await patch({ origin: 'https://evil.example' }, { access_token: token })).statusCode).toBe(403);
      expect((await patch({ 'sec-fetch-site': 'same-origin' }, { access_token: token })).statusCode).toBe(200);
      expect((await patch({ ...bearer(token), 'sec-fetch-site': 'cross-site' })).statusCode).toBe(200);
    });

    it('gives the same answer for an unknown email and a wrong password, in similar time', async () => {
      const unknown = await login('nobody@example.com', 'some-password-1');
      const wrong = await login('dealer@example.com', 'some-password-1');
      expect(unknown.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      expect(unknown.json()).toEqual(wrong.json());
      expect(unknown.json().message).toEqual(['Invalid email or password']);

      const median = async (email: string) => {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const start = process.hrtime.bigint();
          await login(email, 'some-password-2');
          times.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
        return times.sort((a, b) => a - b)[2];
      };
      const unknownMs = await median('nobody-else@example.com');
      const wrongMs = await median('marketer@example.com');
      // The dummy hash makes an unknown email cost a password check too (a loose bound, for noisy machines).
      expect(unknownMs).toBeGreaterThan(wrongMs * 0.4);
    });

    it('audits failed attempts with the user id when there is one, never the email', async () => {
      await login('dealer@example.com', 'wrong-password-x');
      await login('ghost@example.com', 'wrong-password-x');
      const rows = await auditRows('auth.login_failed');
      expect(rows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ actor_type: 'system', subject_type: 'user', subject_id: ids.dealer }),
          expect.objectContaining({ actor_type: 'system', subject_type: null, subject_id: null }),
        ]),
      );
      const everything = JSON.stringify(await db.query('SELECT * FROM audit_event'));
      expect(everything).not.toMatch(/ghost|dealer@|example\.com/);
    });

    it('rate limits attempts per IP and email with 429', async () => {
      await users.create(setup, { email: 'limited@example.com', role: 'marketer', password: 'limited-password-1' });
      for (let i = 0; i < 10; i++) expect((await login('limited@example.com', `wrong-password-${i}`)).statusCode).toBe(401);
      const blocked = await login('limited@example.com', 'limited-password-1');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // Another account from the same address is not locked out.
      expect((await login('marketer@example.com', PASSWORDS.marketer)).statusCode).toBe(200);
    });

    it('counts tries on the sign-in page and the API against one limit per account and address', async () => {
      await users.create(setup, { email: 'both-doors@example.com', role: 'marketer', password: 'both-doors-password-1' });
      const page = new FormBrowser(t.app);
      for (let i = 0; i < 5; i++) expect((await login('both-doors@example.com', `wrong-password-${i}`)).statusCode).toBe(401);
      for (let i = 0; i < 5; i++) {
        expect((await page.submit('/login', '/login', { email: 'both-doors@example.com', password: `wrong-page-${i}` })).statusCode).toBe(401);
      }
      const api = await login('both-doors@example.com', 'both-doors-password-1');
      expect(api.statusCode).toBe(429);
      expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);
      const viaPage = await page.submit('/login', '/login', { email: 'both-doors@example.com', password: 'both-doors-password-1' });
      expect(viaPage.statusCode).toBe(429);
      expect(Number(viaPage.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('rejects a malformed request with 400 before any password check', async () => {
      const res = await inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'x', password: '' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().message.length).toBeGreaterThan(0);
    });

    it('rejects garbage, tampered and foreign tokens with 401', async () => {
      const token = credentials.admin!.authorization.slice('Bearer '.length);
      const [head, body] = token.split('.');
      const forged = `${head}.${body}.${Buffer.from('not the signature').toString('base64url')}`;
      for (const authorization of ['Bearer nonsense', `Bearer ${forged}`, 'Basic YWRtaW46YWRtaW4=']) {
        expect((await inject({ method: 'GET', url: '/api/users', headers: { authorization } })).statusCode).toBe(401);
      }
    });
  });

  describe('password change and deactivation', () => {
    it('invalidates every earlier token when the password changes', async () => {
      await users.create(setup, { email: 'changer@example.com', role: 'dealer', locationCodes: [OWN], password: 'first-password-1' });
      const first = await tokenFor('changer@example.com', 'first-password-1');
      const second = await tokenFor('changer@example.com', 'first-password-1');

      const short = await inject({ method: 'POST', url: '/api/auth/password', headers: bearer(first), payload: { currentPassword: 'first-password-1', newPassword: 'short' } });
      expect(short.statusCode).toBe(400);
      const changed = await inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: bearer(first),
        payload: { currentPassword: 'first-password-1', newPassword: 'second-password-2' },
      });
      expect(changed.statusCode).toBe(200);
      const fresh = changed.json().accessToken;

      for (const old of [first, second]) {
        expect((await inject({ method: 'GET', url: '/api/auth/me', headers: bearer(old) })).statusCode).toBe(401);
      }
      expect((await inject({ method: 'GET', url: '/api/auth/me', headers: bearer(fresh) })).statusCode).toBe(200);
      expect((await login('changer@example.com', 'first-password-1')).statusCode).toBe(401);
      expect((await login('changer@example.com', 'second-password-2')).statusCode).toBe(200);
      expect(await auditRows('auth.password_change')).toHaveLength(1);
    });

    it('logs out everywhere', async () => {
      await users.create(setup, { email: 'leaver@example.com', role: 'marketer', password: 'leaver-password-1' });
      const token = await tokenFor('leaver@example.com', 'leaver-password-1');
      expect((await inject({ method: 'POST', url: '/api/auth/logout-everywhere' })).statusCode).toBe(401);
      expect((await inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: credentials.apiKey })).statusCode).toBe(403);
      const res = await inject({ method: 'POST', url: '/api/auth/logout-everywhere', headers: bearer(token) });
      expect(res.statusCode).toBe(204);
      expect(String(res.headers['set-cookie'])).toMatch(/access_token=;/);
      expect((await inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(401);
    });

    it('rejects an inactive user’s token and sign-in, with the usual message', async () => {
      const { user } = await users.create(setup, { email: 'inactive@example.com', role: 'marketer', password: 'inactive-password-1' });
      const token = await tokenFor('inactive@example.com', 'inactive-password-1');
      expect((await asAdmin('PATCH', `/api/users/${user.id}`, { active: false })).statusCode).toBe(200);

      expect((await inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(401);
      const denied = await login('inactive@example.com', 'inactive-password-1');
      expect(denied.statusCode).toBe(401);
      expect(denied.json().message).toEqual(['Invalid email or password']);

      await asAdmin('PATCH', `/api/users/${user.id}`, { active: true });
      expect((await inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(401);
      expect((await login('inactive@example.com', 'inactive-password-1')).statusCode).toBe(200);
    });
  });

  describe('users API', () => {
    it('generates a strong password when none is given and shows it once', async () => {
      const res = await asAdmin('POST', '/api/users', { email: ' New.Person@Example.com', role: 'dealer', locations: ['loc-a'] });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ email: 'new.person@example.com', role: 'dealer', active: true, locations: [OWN] });
      expect(body.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect((await login('new.person@example.com', body.password)).statusCode).toBe(200);

      const list = await asAdmin('GET', '/api/users');
      const listed = list.json().find((u: { id: string }) => u.id === body.id);
      expect(listed).not.toHaveProperty('password');
      expect(list.body).not.toMatch(/argon2|passwordHash|tokenVersion/);
      const [row] = await db.query(`SELECT password_hash FROM staff_user WHERE id = '${body.id}'`);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
    });

    it('does not return a password it did not generate', async () => {
      const res = await asAdmin('POST', '/api/users', { email: 'chosen@example.com', role: 'marketer', password: 'chosen-password-1' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).not.toHaveProperty('password');
    });

    it.each([
      [{ email: 'd1@example.com', role: 'dealer' }, 'a dealer needs at least one location'],
      [{ email: 'd2@example.com', role: 'dealer', locations: [OWN, 'NOPE-1', 'nope-2'] }, 'Unknown location codes: NOPE-1, NOPE-2'],
      [{ email: 'm1@example.com', role: 'marketer', locations: [OWN] }, 'locations can only be assigned to dealers'],
      [{ email: 'r1@example.com', role: 'owner' }, 'role must be one of admin, marketer, dealer'],
      [{ email: 'p1@example.com', role: 'admin', password: 'short' }, 'password must be 12-256 characters'],
    ])('refuses %j with 400', async (payload, message) => {
      const res = await asAdmin('POST', '/api/users', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain(message);
    });

    it('refuses a duplicate email, whatever its case, with 409', async () => {
      const res = await asAdmin('POST', '/api/users', { email: 'Admin@Example.COM', role: 'marketer' });
      expect(res.statusCode).toBe(409);
    });

    it('updates role and locations, auditing only the names of the changed fields', async () => {
      const { user } = await users.create(setup, { email: 'mover@example.com', role: 'marketer' });
      const res = await asAdmin('PATCH', `/api/users/${user.id}`, { role: 'dealer', locations: [OTHER] });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ role: 'dealer', locations: [OTHER] });
      const back = await asAdmin('PATCH', `/api/users/${user.id}`, { role: 'admin' });
      expect(back.json()).toMatchObject({ role: 'admin', locations: [] });
      expect((await asAdmin('PATCH', `/api/users/${user.id}`, { role: 'dealer' })).statusCode).toBe(400);

      const rows = (await auditRows('user.update')).filter((r: { subject_id: string }) => r.subject_id === user.id);
      const details = rows.map((r: { details: unknown }) => (typeof r.details === 'string' ? JSON.parse(r.details) : r.details));
      expect(details).toEqual([{ fields: ['role', 'locations'] }, { fields: ['role', 'locations'] }]);
      expect(rows[0]).toMatchObject({ actor_type: 'staff', actor_id: ids.admin });
    });

    it('keeps at least one active admin', async () => {
      const { user } = await users.create(setup, { email: 'solo-admin-check@example.com', role: 'marketer' });
      // Several admins exist here, so demote all but the original one, then try the original.
      const admins = (await users.list()).filter((u) => u.role === 'admin' && u.active && u.id !== ids.admin);
      for (const admin of admins) await users.update(setup, admin.id, { role: 'marketer' });
      const res = await asAdmin('PATCH', `/api/users/${ids.admin}`, { active: false });
      expect(res.statusCode).toBe(409);
      expect(res.json().message).toEqual(['At least one active admin must remain']);
      expect((await asAdmin('PATCH', `/api/users/${user.id}`, { active: false })).statusCode).toBe(200);
    });

    it('answers 404 for an unknown user and 400 for a malformed id', async () => {
      expect((await asAdmin('PATCH', '/api/users/00000000-0000-4000-8000-000000000000', { active: true })).statusCode).toBe(404);
      expect((await asAdmin('PATCH', '/api/users/not-a-uuid', { active: true })).statusCode).toBe(400);
    });
  });

  describe('API keys', () => {
    it('shows the key once, stores only its hash, and records use at most once a minute', async () => {
      const created = await asAdmin('POST', '/api/api-keys', { name: 'Survey webhook' });
      expect(created.statusCode).toBe(201);
      const { id, key, prefix } = created.json();
      expect(key).toMatch(/^gw_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(prefix)).toBe(true);
      expect(created.json()).toMatchObject({ name: 'Survey webhook', lastUsedAt: null, revokedAt: null, createdBy: ids.admin });

      const list = await asAdmin('GET', '/api/api-keys');
      expect(list.body).not.toContain(key);
      expect(list.body).not.toMatch(/hash/i);
      const listed = list.json().find((k: { id: string }) => k.id === id);
      expect(Object.keys(listed).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);

      const [row] = await db.query(`SELECT * FROM api_key WHERE id = '${id}'`);
      expect(JSON.stringify(row)).not.toContain(key.slice(prefix.length));
      expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
      expect(await auditRows('api_key.create')).toEqual(expect.arrayContaining([expect.objectContaining({ subject_id: id })]));

      // A valid key on a staff-only route: authenticated (use recorded), then refused.
      expect((await inject({ method: 'GET', url: '/api/users', headers: { 'x-api-key': key } })).statusCode).toBe(403);
      const [used] = await db.query(`SELECT last_used_at FROM api_key WHERE id = '${id}'`);
      expect(used.last_used_at).not.toBeNull();
      await inject({ method: 'GET', url: '/api/users', headers: { 'x-api-key': key } });
      const [again] = await db.query(`SELECT last_used_at FROM api_key WHERE id = '${id}'`);
      expect(new Date(again.last_used_at).getTime()).toBe(new Date(used.last_used_at).getTime());
    });

    it('rejects a revoked or unknown key with 401', async () => {
      const { apiKey, key } = await apiKeys.create(setup, 'short-lived');
      expect((await inject({ method: 'GET', url: '/api/users', headers: { 'x-api-key': key } })).statusCode).toBe(403);
      const revoked = await asAdmin('DELETE', `/api/api-keys/${apiKey.id}`);
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json().revokedAt).not.toBeNull();
      expect((await inject({ method: 'GET', url: '/api/users', headers: { 'x-api-key': key } })).statusCode).toBe(401);
      const unknown = `gw_${'A'.repeat(43)}`;
      expect((await inject({ method: 'GET', url: '/api/users', headers: { 'x-api-key': unknown } })).statusCode).toBe(401);
      expect(await auditRows('api_key.revoke')).toEqual(expect.arrayContaining([expect.objectContaining({ subject_id: apiKey.id })]));
      expect((await asAdmin('DELETE', '/api/api-keys/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    });
  });

  describe('settings', () => {
    it('starts from the defaults', async () => {
      const res = await asAdmin('GET', '/api/settings');
      expect(res.json()).toEqual({
        brandName: t.config.brandName,
        brandPostalAddress: t.config.brandPostalAddress,
        frequencyCap: 2,
        alertWindowDays: 14,
        dataRetentionDays: 730,
        rawClickRetentionDays: 90,
      });
    });

    it.each([{ frequencyCap: 3 }, { frequencyCap: -1 }, { frequencyCap: 1.5 }, { brandName: '' }, { dataRetentionDays: 1 }, { unknown: 1 }])(
      'refuses %j with 400',
      async (payload) => {
        expect((await asAdmin('PATCH', '/api/settings', payload)).statusCode).toBe(400);
      },
    );

    it('changes settings and audits the changed field names', async () => {
      const res = await asAdmin('PATCH', '/api/settings', { frequencyCap: 1, brandName: 'Springfield Motors', alertWindowDays: 14 });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ frequencyCap: 1, brandName: 'Springfield Motors', alertWindowDays: 14 });
      const read = await inject({ method: 'GET', url: '/api/settings', headers: credentials.marketer });
      expect(read.json()).toMatchObject({ frequencyCap: 1, brandName: 'Springfield Motors' });
      const [row] = await auditRows('settings.update');
      const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
      expect(details).toEqual({ fields: ['brandName', 'frequencyCap'] });
    });

    it('never lets a stored value raise the frequency cap above 2', async () => {
      const settings = t.app.get(SettingsService);
      await db.query(`UPDATE setting SET value = '5' WHERE key = 'frequencyCap'`);
      settings.invalidate();
      expect((await settings.get()).frequencyCap).toBe(2);
      await expect(settings.update(setup, { frequencyCap: 3 })).rejects.toThrow(BadRequestException);
    });
  });
});
