import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { clearFeedback, count, csv, csvRow, daysAgo, multipart, OTHER, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

/**
 * Issue #17, property-based: whatever rows a file holds and whatever JSON a body carries, the answer is never a
 * crash or a 500, nothing is half-written, and every row is either stored or refused with its line and reason.
 */
describe.each<Dialect>(['postgres', 'sqlite'])('properties of the importer and the API on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    staff = await seedStaff(t, { managers: false });
  });
  afterAll(() => t?.close());

  /** Text of every kind: printable, any code point (NUL, controls, lone surrogates, RTL overrides), long. */
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('=cmd|"/c calc"!A1', "'; DROP TABLE customer;--", '<script>alert(1)</script>', '"', '\r\n', 'x'.repeat(6000)),
  );
  const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anyText }, { weight: 1, arbitrary: fc.constant('') });
  const row = fc.record({
    keepId: fc.boolean(),
    email: field(fc.emailAddress()),
    location: field(fc.constantFrom(OWN, OTHER, 'dlr-001', 'NOPE-1')),
    score: field(fc.oneof(fc.integer({ min: -3, max: 13 }).map(String), fc.constantFrom('7.0', ' 9 ', '10.5'))),
    name: field(fc.constantFrom('Sam', 'Ana María', 'محمد')),
    comment: field(fc.lorem()),
    respondedAt: field(fc.integer({ min: 0, max: 400 }).map((d) => daysAgo(d))),
    consent: field(fc.constantFrom('yes', 'no', 'true', 'false')),
  });

  it('imports every row or refuses it with its line and a reason; the counts add up and the stored rows equal the accepted', async () => {
    const seen = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), async (rows) => {
        await clearFeedback(db);
        const text = csv(
          ...rows.map((r, i) => csvRow(r.keepId ? `P-${i}` : '', r.email, r.location, r.score, r.name, '', r.comment, r.respondedAt, '', r.consent)),
        );
        const body = multipart(text);
        const res = await t.app.inject({ method: 'POST', url: '/api/imports', payload: body.payload, headers: { ...staff.marketer, ...body.headers } });
        expect(res.statusCode).toBe(201);
        const result = res.json();
        expect(result.status).toBe('done');
        expect(result.accepted + result.rejected).toBe(result.rows);
        const errors = (await t.app.inject({ method: 'GET', url: `/api/imports/${result.id}/errors`, headers: staff.marketer })).json();
        expect(errors).toHaveLength(result.rejected);
        for (const e of errors) {
          expect(e.line).toBeGreaterThanOrEqual(2);
          expect(typeof e.reason).toBe('string');
          expect(e.reason.length).toBeGreaterThan(0);
        }
        expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(result.accepted);
        seen.accepted += result.accepted;
        seen.rejected += result.rejected;
      }),
      { numRuns: 40 },
    );
    // The generator reaches both sides: the property is not about files that are all good or all bad.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.rejected).toBeGreaterThan(0);
  });

  const routes: { url: string; headers: () => Record<string, string> }[] = [
    { url: '/api/campaigns', headers: () => staff.marketer },
    { url: '/api/locations', headers: () => staff.admin },
    { url: '/api/feedback', headers: () => staff.apiKey },
    { url: '/api/users', headers: () => staff.admin },
    { url: '/api/rewards/redeem', headers: () => staff.apiKey },
    { url: '/api/customers/erase', headers: () => staff.admin },
  ];

  it.each(routes.map((r) => [r.url, r]))('POST %s: any JSON body gets a 2xx or a 4xx with its reasons, never a 500', async (_url, route) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.object({ maxDepth: 2, values: [anyText, fc.integer(), fc.boolean(), fc.constant(null)] })), async (body) => {
        const res = await t.app.inject({
          method: 'POST',
          url: route.url,
          headers: { ...route.headers(), 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) {
          const message = res.json().message;
          expect(Array.isArray(message) ? message.length : String(message).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });
});
