import { DataSource } from 'typeorm';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { cliActor } from '../src/common/actor';
import { WEBHOOK_REQUESTS_PER_MINUTE } from '../src/feedback/webhook-throttle.guard';
import { clearFeedback, count, daysAgo, OTHER, OWN, seedStaff, snapshot, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

const item = (responseId: string, overrides: Record<string, unknown> = {}) => ({
  responseId,
  email: `${responseId.toLowerCase()}@example.com`,
  locationCode: OWN,
  score: 10,
  name: 'Ana Silva',
  comment: 'Great service',
  respondedAt: daysAgo(3),
  marketingConsent: true,
  ...overrides,
});

describe.each<Dialect>(['postgres', 'sqlite'])('POST /api/feedback webhook (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  const post = (payload: unknown, headers: Record<string, string> = staff.apiKey) =>
    t.app.inject({ method: 'POST', url: '/api/feedback', payload: payload as object, headers });
  const raw = (body: string, headers: Record<string, string> = staff.apiKey) =>
    t.app.inject({ method: 'POST', url: '/api/feedback', payload: body, headers: { ...headers, 'content-type': 'application/json' } });

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
  });
  afterAll(() => t?.close());
  beforeEach(() => clearFeedback(db));

  it('stores one response sent on its own', async () => {
    const res = await post(item('W-1'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, rejected: [] });
    const { responses, customers } = await snapshot(db);
    expect(responses).toEqual([
      expect.objectContaining({ response_id: 'W-1', email: 'w-1@example.com', code: OWN, score: 10, segment: 'promoter', comment: 'Great service', marketing_consent: true }),
    ]);
    expect(customers).toEqual([expect.objectContaining({ email: 'w-1@example.com', marketing_consent: true, latest: 'W-1' })]);
  });

  it('stores the optional touchpoint, lower-cased, and a changed touchpoint replaces the stored one', async () => {
    expect((await post({ ...item('W-T'), touchpoint: 'Service' })).json()).toEqual({ accepted: 1, rejected: [] });
    const read = async () => (await db.query(`SELECT touchpoint FROM feedback_response WHERE response_id = 'W-T'`))[0].touchpoint;
    expect(await read()).toBe('service');
    expect((await post({ ...item('W-T'), touchpoint: 'sales' })).json()).toEqual({ accepted: 1, rejected: [] });
    expect(await read()).toBe('sales');
    expect((await post(item('W-U'))).statusCode).toBe(200);
    expect((await db.query(`SELECT touchpoint FROM feedback_response WHERE response_id = 'W-U'`))[0].touchpoint).toBeNull();
  });

  it('accepts a batch item by item: bad items are rejected with their index and reason, good ones stored', async () => {
    const res = await post({
      responses: [
        item('W-1'),
        item('W-2', { email: 'not an email' }),
        item('W-3', { locationCode: 'NOPE-1' }),
        item('W-4', { score: 11, respondedAt: 'last tuesday' }),
        item('W-5', { score: '7', marketingConsent: 'no', locationCode: 'dlr-002' }),
        item('W-6', { favouriteColour: 'blue' }),
        'not an object',
        item('W-8', { score: 6.5 }),
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 2,
      rejected: [
        { index: 1, responseId: 'W-2', reason: 'email must be an email address' },
        { index: 2, responseId: 'W-3', reason: 'unknown location code NOPE-1' },
        { index: 3, responseId: 'W-4', reason: expect.stringMatching(/^score must be a whole number from 0 to 10; respondedAt is not a date/) },
        { index: 5, responseId: 'W-6', reason: 'property favouriteColour should not exist' },
        { index: 6, responseId: null, reason: 'each response must be a JSON object' },
        { index: 7, responseId: 'W-8', reason: 'score must be a whole number from 0 to 10' },
      ],
    });
    const { responses } = await snapshot(db);
    expect(responses.map((r: { response_id: string }) => r.response_id)).toEqual(['W-1', 'W-5']);
    expect(responses[1]).toMatchObject({ code: OTHER, score: 7, segment: 'passive', marketing_consent: false });
  });

  it('is idempotent on responseId: sending the same batch again changes nothing', async () => {
    const batch = { responses: [item('W-1'), item('W-2', { score: 3, respondedAt: daysAgo(1) })] };
    expect((await post(batch)).json()).toEqual({ accepted: 2, rejected: [] });
    const before = await snapshot(db);
    const stamps = await db.query('SELECT response_id, updated_at FROM feedback_response ORDER BY response_id');
    const alerts = await count(db, 'SELECT COUNT(*) FROM detractor_alert');
    expect(alerts).toBe(1);

    expect((await post(batch)).json()).toEqual({ accepted: 2, rejected: [] });
    expect(await snapshot(db)).toEqual(before);
    expect(await db.query('SELECT response_id, updated_at FROM feedback_response ORDER BY response_id')).toEqual(stamps);
    expect(await count(db, 'SELECT COUNT(*) FROM detractor_alert')).toBe(1);

    const changed = await post(item('W-1', { comment: 'Great service, and they washed the car' }));
    expect(changed.json()).toEqual({ accepted: 1, rejected: [] });
    expect((await snapshot(db)).responses[0].comment).toBe('Great service, and they washed the car');
  });

  it('takes consent from the latest response, whatever the order responses arrive in', async () => {
    const email = 'ana@example.com';
    await post(item('C-1', { email, respondedAt: daysAgo(5), marketingConsent: true }));
    await post(item('C-2', { email, respondedAt: daysAgo(1), marketingConsent: false }));
    await post(item('C-0', { email, respondedAt: daysAgo(10), marketingConsent: true }));
    let [customer] = (await snapshot(db)).customers;
    expect(customer).toMatchObject({ email, latest: 'C-2', marketing_consent: false, consent_source: 'C-2' });
    // Same moment: the one imported later wins.
    await post(item('C-3', { email, respondedAt: daysAgo(1), marketingConsent: true }));
    [customer] = (await snapshot(db)).customers;
    expect(customer).toMatchObject({ latest: 'C-3', marketing_consent: true, consent_source: 'C-3' });
    const audited = await db.query(
      `SELECT details FROM audit_event WHERE action = 'customer.consent_change' AND subject_id = (SELECT CAST(id AS VARCHAR(64)) FROM customer WHERE email = '${email}') ORDER BY created_at`,
    );
    expect(audited.map((a: { details: unknown }) => (typeof a.details === 'string' ? JSON.parse(a.details) : a.details).marketingConsent)).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('refuses bodies that are not JSON, too large, not a response, or a batch over 1,000', async () => {
    expect((await raw('{"responseId": "W-1",')).statusCode).toBe(400);
    expect((await raw('"just a string"')).statusCode).toBe(400);
    expect((await post([item('W-1')])).statusCode).toBe(400);
    expect((await post({ responses: [] })).statusCode).toBe(400);
    expect((await post({ responses: 'W-1' })).statusCode).toBe(400);
    const tooMany = await post({ responses: Array.from({ length: 1001 }, (_, i) => item(`B-${i}`)) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().message[0]).toMatch(/at most 1000 items/);
    const huge = await post({ responses: Array.from({ length: 1000 }, (_, i) => item(`H-${i}`, { comment: 'x'.repeat(3000) })) });
    expect(huge.statusCode).toBe(413);
    expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(0);
  });

  it('takes a full batch of 1,000 in one call', async () => {
    const res = await post({ responses: Array.from({ length: 1000 }, (_, i) => item(`F-${i}`, { email: `f${i % 600}@example.com` })) });
    expect(res.json()).toEqual({ accepted: 1000, rejected: [] });
    expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(1000);
    expect(await count(db, 'SELECT COUNT(*) FROM customer')).toBe(600);
  });

  it('needs an API key: no key 401, staff 403', async () => {
    expect((await post(item('W-1'), {})).statusCode).toBe(401);
    expect((await post(item('W-1'), { 'x-api-key': `gw_${'A'.repeat(43)}` })).statusCode).toBe(401);
    expect((await post(item('W-1'), staff.admin)).statusCode).toBe(403);
    expect((await post(item('W-1'), staff.marketer)).statusCode).toBe(403);
  });

  it(`rate limits each API key to ${WEBHOOK_REQUESTS_PER_MINUTE} calls a minute with 429`, async () => {
    const { key } = await t.app.get(ApiKeysService).create(cliActor('test'), 'busy survey tool');
    const headers = { 'x-api-key': key };
    const tiny = { responses: [item('RL-1')] };
    for (let i = 0; i < WEBHOOK_REQUESTS_PER_MINUTE; i++) {
      const res = await post(tiny, headers);
      if (res.statusCode !== 200) throw new Error(`call ${i + 1}: ${res.statusCode} ${res.body}`);
    }
    const blocked = await post(tiny, headers);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Other keys are not affected.
    expect((await post(tiny)).statusCode).toBe(200);
  });
});
