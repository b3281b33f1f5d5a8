import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { CsvFormatError } from '../src/common/csv/csv-reader';
import { IMPORT_BATCH_ROWS, ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { clearFeedback, count, csv, csvRow, daysAgo, multipart, OTHER, OWN, seedStaff, snapshot, Staff } from './feedback-fixtures';
import { runCli } from './support/processes';
import { createTestApp, Dialect, TestApp } from './support/app';

/** Nine good rows: two customers answer twice; three detractors are recent (alerts), one is old (no alert). */
const ROWS = [
  csvRow('R-1', 'Ana@Example.com ', OWN, 10, 'Ana Silva', '+1 555 0101', 'Great service', daysAgo(40), daysAgo(41), 'yes'),
  csvRow('R-2', 'ben@example.com', OWN, 9, 'Ben Ode', '', 'Quick and friendly', daysAgo(30), '', 'no'),
  csvRow('R-3', 'cara@example.com', OTHER, 3, 'Cara Lin', '', 'Waited two hours,\nnobody called back', daysAgo(2), daysAgo(3), 'yes'),
  csvRow('R-4', 'dev@example.com', OTHER, 7, '', '', '', daysAgo(20), '', ''),
  csvRow('R-5', 'ana@example.com', OTHER, 6, 'Ana Silva', '', 'Not as good this time', daysAgo(5), '', 'no'),
  csvRow('R-6', 'eli@example.com', OWN, 2, 'Eli Park', '', 'Old complaint', daysAgo(400), '', 'yes'),
  csvRow('R-7', 'ben@example.com', OTHER, 10, 'Ben Ode', '', 'Even better', daysAgo(10), '', 'yes'),
  csvRow('R-8', 'fay@example.com', OWN, 8, 'Fay Moss', '', '', '2026-01-15', '', 'TRUE'),
  csvRow('R-9', 'gus@example.com', OWN, 0, 'Gus Hale', '', 'Never again', daysAgo(1), '', '0'),
];
const GOOD = csv(...ROWS);

const stream = (text: string | Buffer) => Readable.from([Buffer.isBuffer(text) ? text : Buffer.from(text)]);

describe.each<Dialect>(['postgres', 'sqlite'])('feedback CSV import (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  let useCase: ImportFeedbackUseCase;
  const actor = cliActor('test');
  const importText = (text: string | Buffer) => useCase.run({ source: 'cli', filename: 'test.csv', input: stream(text), actor });
  const upload = (text: string | Buffer, headers = staff.marketer) => {
    const body = multipart(text);
    return t.app.inject({ method: 'POST', url: '/api/imports', payload: body.payload, headers: { ...headers, ...body.headers } });
  };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
    useCase = t.app.get(ImportFeedbackUseCase);
  });
  afterAll(() => t?.close());
  beforeEach(() => clearFeedback(db));

  it('imports the same file to the same result through all three doors: API, upload page and CLI', async () => {
    const api = await upload(GOOD);
    expect(api.statusCode).toBe(201);
    expect(api.json()).toMatchObject({ source: 'api', filename: 'feedback.csv', status: 'done', rows: 9, accepted: 9, rejected: 0, created: 9, alerts: 3 });
    const viaApi = await snapshot(db);
    expect(viaApi.responses).toHaveLength(9);
    expect(viaApi.customers).toHaveLength(7);

    await clearFeedback(db);
    const page = await t.app.inject({ method: 'GET', url: '/dashboard/feedback', headers: { ...staff.marketer, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const action = /<form[^>]+action="(\/dashboard\/feedback\/imports\?[^"]+)"/.exec(page.body)?.[1].replace(/&amp;/g, '&');
    expect(action).toBeDefined();
    const body = multipart(GOOD);
    const posted = await t.app.inject({
      method: 'POST',
      url: action!,
      payload: body.payload,
      headers: { ...staff.marketer, ...body.headers, accept: 'text/html', cookie: String(page.headers['set-cookie'] ?? '').split(';')[0] },
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toMatch(/^\/dashboard\/feedback\/imports\/[0-9a-f-]{36}$/);
    const result = await t.app.inject({ method: 'GET', url: posted.headers.location as string, headers: { ...staff.marketer, accept: 'text/html' } });
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Import finished: 9 of 9 rows accepted');
    expect(token).not.toBe('');
    expect(await snapshot(db)).toEqual(viaApi);

    await clearFeedback(db);
    const file = join(t.config.dataDir, 'feedback.csv');
    writeFileSync(file, GOOD);
    const cli = await runCli(['feedback:import', file], t.config, 60_000);
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toContain('accepted 9, rejected 0 (created 9, updated 0, unchanged 0)');
    expect(cli.status).toBe(0);
    expect(await snapshot(db)).toEqual(viaApi);
  });

  it('derives customers from their latest response: deduplicated by email, consent and segment from the latest answer', async () => {
    await importText(GOOD);
    const { customers } = await snapshot(db);
    const ana = customers.find((c: { email: string }) => c.email === 'ana@example.com');
    // R-5 (5 days ago, a detractor, consent "no") is Ana's latest: her R-1 "yes" no longer counts.
    expect(ana).toMatchObject({ latest: 'R-5', latest_segment: 'detractor', marketing_consent: false, latest_location: OTHER, name: 'Ana Silva' });
    const ben = customers.find((c: { email: string }) => c.email === 'ben@example.com');
    expect(ben).toMatchObject({ latest: 'R-7', latest_segment: 'promoter', marketing_consent: true, consent_source: 'R-7' });
    expect(customers.find((c: { email: string }) => c.email === 'dev@example.com')).toMatchObject({ marketing_consent: false, name: null });
  });

  it('changes nothing when the same file is imported again', async () => {
    await importText(GOOD);
    const before = await snapshot(db);
    const stamps = async () => ({
      responses: await db.query('SELECT response_id, updated_at, import_seq FROM feedback_response ORDER BY response_id'),
      customers: await db.query('SELECT email, updated_at FROM customer ORDER BY email'),
    });
    const times = await stamps();
    const audits = await count(db, "SELECT COUNT(*) FROM audit_event WHERE action <> 'feedback.import'");
    const outbox = await count(db, 'SELECT COUNT(*) FROM job_outbox');

    const again = await importText(GOOD);
    expect(again).toMatchObject({ status: 'done', rows: 9, accepted: 9, created: 0, updated: 0, unchanged: 9, alerts: 0 });
    expect(await snapshot(db)).toEqual(before);
    expect(await stamps()).toEqual(times);
    expect(await count(db, "SELECT COUNT(*) FROM audit_event WHERE action <> 'feedback.import'")).toBe(audits);
    expect(await count(db, 'SELECT COUNT(*) FROM job_outbox')).toBe(outbox);
  });

  it('gives the same data for overlapping files, in either order', async () => {
    const first = csv(...ROWS.slice(0, 6));
    const second = csv(...ROWS.slice(3));
    await importText(first);
    const overlap = await importText(second);
    expect(overlap).toMatchObject({ created: 3, unchanged: 3, updated: 0 });
    const forward = await snapshot(db);

    await clearFeedback(db);
    await importText(second);
    await importText(first);
    const backward = await snapshot(db);
    expect(backward.responses).toEqual(forward.responses);
    expect(backward.customers).toEqual(forward.customers);

    await clearFeedback(db);
    await importText(GOOD);
    expect((await snapshot(db)).responses).toEqual(forward.responses);
  });

  it('replaces a stored response when the same response_id comes back changed', async () => {
    await importText(GOOD);
    const changed = csv(
      csvRow('R-2', 'ben@example.com', OWN, 4, 'Ben Ode', '', 'Actually, the car broke down again', daysAgo(30), '', 'no'),
      csvRow('R-4', 'newdev@example.com', OTHER, 7, '', '', '', daysAgo(20), '', ''),
    );
    const result = await importText(changed);
    expect(result).toMatchObject({ created: 0, updated: 2, unchanged: 0 });
    const { responses, customers } = await snapshot(db);
    expect(responses.find((r: { response_id: string }) => r.response_id === 'R-2')).toMatchObject({
      score: 4,
      segment: 'detractor',
      comment: 'Actually, the car broke down again',
    });
    // R-4 moved to another email: the new customer has it, the old one has no response left.
    expect(customers.find((c: { email: string }) => c.email === 'newdev@example.com')).toMatchObject({ latest: 'R-4' });
    expect(customers.find((c: { email: string }) => c.email === 'dev@example.com')).toMatchObject({ latest: null, latest_segment: null });
    expect(responses).toHaveLength(9);
  });

  it('applies a response id repeated within one file in order: the later line wins', async () => {
    const result = await importText(
      csv(
        csvRow('R-X', 'hal@example.com', OWN, 10, '', '', 'first', daysAgo(3), '', 'yes'),
        csvRow('R-X', 'hal@example.com', OWN, 10, '', '', 'first', daysAgo(3), '', 'yes'),
        csvRow('R-X', 'hal@example.com', OWN, 8, '', '', 'second thoughts', daysAgo(3), '', 'no'),
      ),
    );
    expect(result).toMatchObject({ rows: 3, accepted: 3, created: 1, unchanged: 1, updated: 1 });
    const { responses, customers } = await snapshot(db);
    expect(responses).toEqual([expect.objectContaining({ response_id: 'R-X', score: 8, comment: 'second thoughts', marketing_consent: false })]);
    expect(customers).toEqual([expect.objectContaining({ email: 'hal@example.com', marketing_consent: false, latest_segment: 'passive' })]);
  });

  it('writes a file of several batches as if line by line, where batches share response ids or addresses and where they do not', async () => {
    // Four batches: S-1 comes back changed in the second (it must wait for the first); the third and fourth share
    // an address whose newer answer is in the third; the second and third share nothing (written side by side).
    const size = IMPORT_BATCH_ROWS;
    const line = (i: number) => csvRow(`S-${i}`, `s${i}@example.com`, i % 2 ? OWN : OTHER, i % 11, '', '', '', daysAgo(30 + (i % 200)));
    const rows = Array.from({ length: 3 * size + 100 }, (_, i) => line(i + 2));
    rows[10] = csvRow('S-1', 'first@example.com', OWN, 3, '', '', 'first answer', daysAgo(9), '', 'yes');
    rows[size + 10] = csvRow('S-1', 'first@example.com', OWN, 10, '', '', 'second thoughts', daysAgo(9), '', 'no');
    rows[2 * size + 10] = csvRow('S-A', 'shared@example.com', OTHER, 9, '', '', 'newer', daysAgo(2), '', 'yes');
    rows[3 * size + 10] = csvRow('S-B', 'shared@example.com', OWN, 1, '', '', 'older', daysAgo(50), '', 'no');
    const whole = await importText(csv(...rows));
    expect(whole).toMatchObject({ status: 'done', rows: rows.length, accepted: rows.length, created: rows.length - 1, updated: 1, unchanged: 0 });
    const together = await snapshot(db);
    expect(together.responses.find((r: { response_id: string }) => r.response_id === 'S-1')).toMatchObject({ score: 10, comment: 'second thoughts' });
    expect(together.customers.find((c: { email: string }) => c.email === 'shared@example.com')).toMatchObject({ latest: 'S-A', marketing_consent: true });

    // The same lines as one file per batch, imported one after the other, give the same data.
    await clearFeedback(db);
    for (let from = 0; from < rows.length; from += size) await importText(csv(...rows.slice(from, from + size)));
    expect(await snapshot(db)).toEqual(together);
  });

  it('keeps good rows and reports every bad one with its line and reason', async () => {
    const text = csv(
      csvRow('A-1', '', OWN, 9), // line 2: no email is no refusal (counts, can't be invited)
      csvRow('B-2', 'not-an-email', OWN, 9),
      csvRow('B-3', 'ok3@example.com', OWN, 11),
      csvRow('B-4', 'ok4@example.com', OWN, 7.5),
      csvRow('B-5', 'ok5@example.com', OWN, 'ten'),
      csvRow('B-6', 'ok6@example.com', 'NOPE-9', 9),
      csvRow('B-7', 'ok7@example.com', OWN, 9, '', '', '', '20/11/2026'),
      csvRow('B-8', 'ok8@example.com', OWN, 9, '', '', '', '2026-02-30'),
      csvRow('B-9', 'ok9@example.com', OWN, 9, '', '', '', '', '', 'maybe'),
      csvRow('', 'ok10@example.com', OWN, 9),
      csvRow('G-1', 'good1@example.com', OWN, 9, '', '', 'kept', daysAgo(50)), // line 12
      csvRow('B-12', 'ok12@example.com', OWN, -1, '', '', '', 'yesterday', '', 'si'),
      csvRow('G-2', 'good2@example.com', OTHER, '10.0', '', '', '', daysAgo(60), '', 'No'),
      csvRow('B-14', 'ok14@example.com', OWN, 9, '', '', '', '', 'soon'),
      '"B-15,ok15@example.com,DLR-001,9', // unclosed quote swallows the rest
    );
    const result = await upload(text);
    expect(result.statusCode).toBe(201);
    expect(result.json()).toMatchObject({ status: 'done', accepted: 3, created: 3 });
    expect(result.json().notice).toContain('1 row has no email address: those responses count for NPS, reports and themes, but nobody can be invited');
    const id = result.json().id;
    const errors = await t.app.inject({ method: 'GET', url: `/api/imports/${id}/errors`, headers: staff.marketer });
    expect(errors.json()).toEqual([
      { line: 3, responseId: 'B-2', reason: 'email must be an email address' },
      { line: 4, responseId: 'B-3', reason: 'score must be a whole number from 0 to 10' },
      { line: 5, responseId: 'B-4', reason: 'score must be a whole number from 0 to 10' },
      { line: 6, responseId: 'B-5', reason: 'score must be a whole number from 0 to 10' },
      { line: 7, responseId: 'B-6', reason: 'unknown location code NOPE-9' },
      { line: 8, responseId: 'B-7', reason: expect.stringMatching(/^responded_at is not a date/) },
      { line: 9, responseId: 'B-8', reason: 'responded_at is not a date: 2026-02-30 does not exist' },
      { line: 10, responseId: 'B-9', reason: 'marketing_consent must be yes, no, true, false, 1 or 0' },
      { line: 11, responseId: null, reason: 'response_id is required' },
      {
        line: 13,
        responseId: 'B-12',
        reason: expect.stringMatching(/^score must be a whole number from 0 to 10; responded_at is not a date.*; marketing_consent must be/),
      },
      { line: 15, responseId: 'B-14', reason: expect.stringMatching(/^visited_at is not a date/) },
      { line: 16, responseId: null, reason: 'A quote opened on line 16 is never closed, so line 16 was not read' },
    ]);
    expect(result.json()).toMatchObject({ rows: 15, rejected: 12 });

    // Why, problem by problem: a row refused for three things counts under each.
    const problems = await t.app.inject({ method: 'GET', url: `/api/imports/${id}/problems`, headers: staff.marketer });
    expect(problems.statusCode).toBe(200);
    expect(problems.json()[0]).toEqual({
      problem: 'score must be a whole number from 0 to 10',
      rows: 4,
      examples: [],
      advice: expect.stringMatching(/recommend question/),
    });
    expect(problems.json()).toContainEqual({ problem: 'unknown location code', rows: 1, examples: ['NOPE-9'], advice: expect.stringMatching(/Add the location/) });
    expect(problems.json()).toContainEqual(expect.objectContaining({ problem: 'responded_at is not a date: no such day', rows: 1, examples: ['2026-02-30'] }));
    const page = await t.app.inject({ method: 'GET', url: `/dashboard/feedback/imports/${id}`, headers: { ...staff.marketer, accept: 'text/html' } });
    expect(page.body).toContain('Why rows were rejected');
    expect(page.body).toMatch(/<strong>4 rows<\/strong>: score must be a whole number from 0 to 10/);
    expect(page.body).toMatch(/<strong>1 row<\/strong>: unknown location code\s*\(<span class="visually-hidden">for example <\/span><code>NOPE-9<\/code>\)/);
    expect((await t.app.inject({ method: 'GET', url: `/api/imports/${id}/problems`, headers: staff.dealer })).statusCode).toBe(403);
    // The CLI says the same before its list of lines, and fails.
    const file = join(t.config.dataDir, 'bad-rows.csv');
    writeFileSync(file, text);
    const cli = await runCli(['feedback:import', file], t.config, 60_000);
    expect(cli.stdout).toContain('rejected 4 rows: score must be a whole number from 0 to 10 — Scores must be whole numbers');
    expect(cli.stdout).toContain('rejected 1 row: unknown location code (e.g. NOPE-9) — Add the location');
    expect(cli.stdout.indexOf('rejected 4 rows')).toBeLessThan(cli.stdout.indexOf('line 3 (B-2)'));
    expect(cli.status).toBe(1);

    const csvErrors = await t.app.inject({ method: 'GET', url: `/api/imports/${id}/errors?format=csv`, headers: staff.marketer });
    expect(csvErrors.statusCode).toBe(200);
    expect(csvErrors.headers['content-type']).toContain('text/csv');
    expect(csvErrors.body.split('\n')[0]).toBe('line,responseId,reason');
    expect(csvErrors.body).toContain('7,B-6,unknown location code NOPE-9');

    const polled = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: staff.admin });
    expect(polled.json()).toMatchObject({ id, status: 'done', rows: 15, accepted: 3, rejected: 12 });
    expect((await snapshot(db)).responses.map((r: { response_id: string }) => r.response_id)).toEqual(['A-1', 'G-1', 'G-2']);
  });

  it.each([
    ['an empty file', '', /empty/],
    ['a binary file (not a CSV)', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]), /not a CSV/],
    ['a file without a recognisable header', 'foo,bar\n1,2\n', /No recognisable header/],
    ['a file missing required columns', 'response_id,email\nR-1,ana@example.com\n', /Missing required column\(s\): location_code, score/],
  ])('refuses %s as a whole and writes nothing', async (_label, text, message) => {
    const res = await upload(text);
    expect(res.statusCode).toBe(400);
    expect(res.json().message[0]).toMatch(message);
    await expect(importText(text)).rejects.toThrow(CsvFormatError);
    expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(0);
    expect(await count(db, 'SELECT COUNT(*) FROM customer')).toBe(0);
    const [failed] = await db.query("SELECT status, error FROM feedback_import WHERE source = 'api'");
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(message) });
  });

  it('accepts survey-export column names, semicolons, a BOM, CRLF and quoted newlines', async () => {
    const text =
      '\uFEFFResponse ID;Email Address;Location;How likely are you to recommend us to a friend?;Comments;Date Submitted;Marketing Opt-In\r\n' +
      `S-1;sam@example.com;dlr-001;9;"Great;\r\nreally great";${daysAgo(8)};Yes\r\n` +
      `S-2;tia@example.com;DLR-002;4;"She said ""fine""";${daysAgo(9)};no\r\n`;
    const result = await importText(text);
    expect(result).toMatchObject({ rows: 2, accepted: 2, rejected: 0 });
    const { responses } = await snapshot(db);
    expect(responses).toEqual([
      expect.objectContaining({ response_id: 'S-1', email: 'sam@example.com', code: OWN, score: 9, comment: 'Great;\r\nreally great', marketing_consent: true }),
      expect.objectContaining({ response_id: 'S-2', code: OTHER, score: 4, comment: 'She said "fine"', marketing_consent: false }),
    ]);
  });

  /** `YYYY-MM-DD HH:MM:SS UTC`, as Delighted writes its `Created At` column. */
  const delightedTime = (days: number) => daysAgo(days).replace('T', ' ').replace('Z', ' UTC');
  /** The same moment written with a zone offset (`+0100`), as other tools export it. */
  const offsetTime = (days: number) => {
    const d = new Date(Date.parse(daysAgo(days)) + 3_600_000);
    return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0100`;
  };
  const DELIGHTED_HEADER = 'Response ID,Email,Name,Score,Comment,Permalink,Created At,Updated At,Location,Marketing Opt-In';

  it('takes response times from a survey export (Delighted Created At): the newest answer judges, old ones raise no alert', async () => {
    // Newest first, as exports often are: line order is not time order.
    const text = [
      DELIGHTED_HEADER,
      `D-3,kim@example.com,Kim,10,Still great,,${delightedTime(2)},${delightedTime(2)},${OWN},No`,
      `D-2,kim@example.com,Kim,10,Great,,${offsetTime(20)},${delightedTime(20)},${OWN},Yes`,
      `D-1,kim@example.com,Kim,3,Poor,,${delightedTime(60)},${delightedTime(60)},${OWN},Yes`,
      `D-5,lee@example.com,Lee,1,Awful,,${delightedTime(1)},${delightedTime(1)},${OTHER},No`,
      `D-4,lee@example.com,Lee,2,Bad,,${delightedTime(45)},${delightedTime(45)},${OTHER},No`,
      `D-6,mo@example.com,Mo,0,Terrible,,${offsetTime(50)},${delightedTime(50)},${OWN},No`,
    ].join('\n');
    const result = await importText(text);
    expect(result).toMatchObject({ status: 'done', rows: 6, accepted: 6, rejected: 0, undated: 0, notice: null, alerts: 1 });
    const { responses, customers, alerts } = await snapshot(db);
    expect(responses.find((r: { response_id: string }) => r.response_id === 'D-2').responded_at).toBe(daysAgo(20).replace('Z', '.000Z'));
    // Kim's newest answer (D-3, two days ago) said no to contact: the older "yes" lines below it don't count.
    expect(customers.find((c: { email: string }) => c.email === 'kim@example.com')).toMatchObject({
      latest: 'D-3',
      marketing_consent: false,
      latest_responded_at: daysAgo(2).replace('Z', '.000Z'),
    });
    expect(customers.find((c: { email: string }) => c.email === 'lee@example.com')).toMatchObject({ latest: 'D-5' });
    // Only the detractor answer of yesterday is within the alert window; weeks-old ones (D-1, D-4, D-6) raise none.
    expect(alerts.map((a: { response_id: string }) => a.response_id)).toEqual(['D-5']);
    expect(await count(db, 'SELECT COUNT(*) FROM job_outbox')).toBe(1);
  });

  it('says so when the file has no response-time column: API, result page and CLI', async () => {
    const text = `response_id,email,location_code,score,name\nN-1,nia@example.com,${OWN},10,Nia\nN-2,nia@example.com,${OWN},2,Nia\nN-3,ola@example.com,${OTHER},9,Ola\n`;
    const res = await upload(text);
    expect(res.statusCode).toBe(201);
    const result = res.json();
    expect(result).toMatchObject({ status: 'done', created: 3, undated: 3, notice: expect.stringContaining('no response-time column') });
    const asCsv = await t.app.inject({ method: 'GET', url: '/api/imports?format=csv', headers: staff.marketer });
    expect(asCsv.body.split('\n')[0]).toContain('undated,notice');
    expect(asCsv.body).toContain('no response-time column');
    const page = await t.app.inject({ method: 'GET', url: `/dashboard/feedback/imports/${result.id}`, headers: { ...staff.marketer, accept: 'text/html' } });
    expect(page.body).toContain('The file has no response-time column');

    // A file with the column but a row without a time: counted, and said in a shorter note.
    const partly = await importText(csv(csvRow('U-1', 'una@example.com', OWN, 9, '', '', '', '', '', 'yes'), csvRow('U-2', 'uli@example.com', OWN, 9, '', '', '', daysAgo(3))));
    expect(partly).toMatchObject({ undated: 1, notice: '1 new response has no response time in the file: dated at the time of import.' });
    // A timed file says nothing.
    expect(await importText(GOOD)).toMatchObject({ undated: 0, notice: null });

    const file = join(t.config.dataDir, 'untimed.csv');
    writeFileSync(file, 'response_id,email,location_code,score\nV-1,vic@example.com,' + OWN + ',10\n');
    const cli = await runCli(['feedback:import', file], t.config, 60_000);
    expect(cli.stdout).toContain('note: The file has no response-time column');
    expect(cli.status).toBe(0);
  });

  it('audits each import with counts and consent changes with ids only', async () => {
    await importText(GOOD);
    await importText(csv(csvRow('R-7b', 'ben@example.com', OWN, 10, 'Ben Ode', '', '', daysAgo(1), '', 'no')));
    const consent = await db.query(`SELECT subject_type, subject_id, details FROM audit_event WHERE action = 'customer.consent_change'`);
    const [ben] = await db.query(`SELECT id FROM customer WHERE email = 'ben@example.com'`);
    const details = consent
      .filter((e: { subject_id: string }) => e.subject_id === ben.id)
      .map((e: { details: unknown }) => (typeof e.details === 'string' ? JSON.parse(e.details) : e.details));
    // Both changes recorded (their order within one millisecond is not defined by created_at).
    expect(details.map((d: { marketingConsent: boolean }) => d.marketingConsent).sort()).toEqual([false, true]);
    const [imports] = await db.query(`SELECT details FROM audit_event WHERE action = 'feedback.import' ORDER BY created_at DESC LIMIT 1`);
    const counts = typeof imports.details === 'string' ? JSON.parse(imports.details) : imports.details;
    expect(counts).toMatchObject({ source: 'cli', status: 'done', rows: 1, created: 1 });
    const everything = JSON.stringify(await db.query('SELECT * FROM audit_event'));
    expect(everything).not.toMatch(/example\.com|Ben Ode|Great service/);
  });

  it('shows progress while the file streams in: counts grow batch by batch, under an id the client may choose', async () => {
    const id = '6f1c2b9e-3c4d-4e5f-8a6b-7c8d9e0f1a2b';
    const rows = Array.from({ length: 12_000 }, (_, i) => csvRow(`P-${i}`, `p${i % 7000}@example.com`, i % 2 ? OWN : OTHER, i % 11, '', '', '', daysAgo(30 + (i % 300))));
    const body = multipart(csv(...rows));
    const upload = t.app.inject({
      method: 'POST',
      url: `/api/imports?id=${id}`,
      payload: body.payload,
      headers: { ...staff.marketer, ...body.headers },
    });
    const seen: number[] = [];
    for (let i = 0; i < 400; i++) {
      const poll = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: staff.marketer });
      if (poll.statusCode === 200) {
        seen.push(poll.json().rows);
        if (poll.json().status !== 'running') break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const done = await upload;
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({ id, status: 'done', rows: 12_000, accepted: 12_000 });
    // Some poll saw the import part-way (0 < rows < 12,000) or at least running.
    expect(seen.some((n) => n < 12_000)).toBe(true);
    const again = multipart(GOOD);
    const conflict = await t.app.inject({ method: 'POST', url: `/api/imports?id=${id}`, payload: again.payload, headers: { ...staff.marketer, ...again.headers } });
    expect(conflict.statusCode).toBe(409);
    const asset = await t.app.inject({ method: 'GET', url: '/assets/feedback-import.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('lets only admins and marketers import and read imports', async () => {
    expect((await upload(GOOD, staff.dealer)).statusCode).toBe(403);
    expect((await upload(GOOD, {})).statusCode).toBe(401);
    expect((await upload(GOOD, staff.apiKey)).statusCode).toBe(403);
    const missing = await t.app.inject({ method: 'GET', url: '/api/imports/00000000-0000-4000-8000-000000000000', headers: staff.admin });
    expect(missing.statusCode).toBe(404);
    const notMultipart = await t.app.inject({ method: 'POST', url: '/api/imports', payload: { file: 'x' }, headers: staff.admin });
    expect(notMultipart.statusCode).toBe(400);
  });
});
