import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { NO_SCORE_COLUMN_MESSAGE } from '../src/feedback/survey-export';
import { count, OWN, seedStaff, Staff } from './feedback-fixtures';
import { runCli } from './support/processes';
import { createTestApp, TestApp } from './support/app';
import { mappingOf, RealExport, realExports, xlsxCopyOf } from './support/real-exports';

/** A multipart body with text fields before the file (the mapping must arrive before the file streams). */
function form(fields: Record<string, string>, content: Buffer, filename: string) {
  const boundary = `----goodword${Math.random().toString(16).slice(2)}`;
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return {
    payload: Buffer.concat([
      Buffer.from(parts.join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The fixture with an Email column added (the real files have none), so its responses can be stored. */
function withEmails(real: RealExport): Buffer {
  const text = readFileSync(real.path, 'utf8');
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(newline);
  if (lines[lines.length - 1] === '') lines.pop();
  return Buffer.from(lines.map((line, i) => (i < real.meta.header_rows ? `${line},Email` : `${line},person${i}@example.com`)).join(newline));
}

describe('real survey-tool exports through the API and the CLI (postgres)', () => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  const upload = (real: RealExport, content: Buffer, mapping = mappingOf(real)) => {
    const body = form({ mapping: JSON.stringify(mapping), location: OWN }, content, real.file);
    return t.app.inject({ method: 'POST', url: '/api/imports', payload: body.payload, headers: { ...staff.marketer, ...body.headers } });
  };
  const written = async () => ({
    imports: await count(db, 'SELECT COUNT(*) FROM feedback_import'),
    responses: await count(db, 'SELECT COUNT(*) FROM feedback_response'),
    customers: await count(db, 'SELECT COUNT(*) FROM customer'),
  });
  const segments = async () => {
    const rows: { segment: string; n: string }[] = await db.query('SELECT segment, COUNT(*) AS n FROM feedback_response GROUP BY segment');
    const of = (s: string) => Number(rows.find((r) => r.segment === s)?.n ?? 0);
    return { promoters: of('promoter'), passives: of('passive'), detractors: of('detractor') };
  };
  const cli = (...args: string[]) => runCli(['feedback:import', ...args], t.config);

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await db.query('DELETE FROM campaign');
    await db.query('DELETE FROM detractor_alert');
    await db.query('DELETE FROM feedback_response');
    await db.query('DELETE FROM customer');
    await db.query('DELETE FROM feedback_import_error');
    await db.query('DELETE FROM feedback_import');
  });

  for (const real of realExports()) {
    const e = real.meta.expected;
    if (!real.meta.score_column) {
      it(`${real.file}: refused with "no 0–10 column", nothing written`, async () => {
        const res = await upload(real, readFileSync(real.path));
        expect(res.statusCode).toBe(400);
        expect([res.json().message].flat()).toEqual([NO_SCORE_COLUMN_MESSAGE]);
        expect(await written()).toEqual({ imports: expect.any(Number), responses: 0, customers: 0 });
        expect(await count(db, `SELECT COUNT(*) FROM feedback_import WHERE status <> 'failed'`)).toBe(0);
      });
      continue;
    }

    it(`${real.file}: every scored row is stored without an email, figures equal its meta, nobody is invitable, a re-import writes nothing`, async () => {
      const res = await upload(real, readFileSync(real.path));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: 'done', rows: e.total, accepted: e.score_ok, created: e.score_ok, rejected: e.total - e.score_ok });
      expect(res.json().notice).toContain('The file has no email addresses: those responses count for NPS, reports and themes, but nobody can be invited');
      expect(await segments()).toEqual({ promoters: e.promoters, passives: e.passives, detractors: e.detractors });
      // Each response is a customer of its own, without an address (never merged with another).
      expect(await count(db, 'SELECT COUNT(*) FROM customer WHERE email IS NULL')).toBe(e.score_ok);
      expect(await count(db, 'SELECT COUNT(DISTINCT customer_id) FROM feedback_response')).toBe(e.score_ok);

      // A campaign over them invites nobody, and its dry run says why.
      const campaign = await t.app.inject({
        method: 'POST', url: '/api/campaigns', headers: staff.marketer,
        payload: { name: `${real.file} promoters`, locations: [OWN], minScore: 9, lookBackDays: 730, channels: ['copy'], prompt: 'What would you tell a friend?' },
      });
      expect([campaign.statusCode, campaign.json().message]).toEqual([201, undefined]);
      const dry = await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaign.json().id}/dry-run`, headers: staff.marketer });
      expect(dry.json().totals).toMatchObject({ invite: 0, noEmail: e.promoters });

      const before = await db.query('SELECT id, response_id, customer_id, updated_at FROM feedback_response ORDER BY response_id');
      const again = await upload(real, readFileSync(real.path));
      expect(again.json()).toMatchObject({ status: 'done', rows: e.total, created: 0, updated: 0, unchanged: e.score_ok });
      expect(await db.query('SELECT id, response_id, customer_id, updated_at FROM feedback_response ORDER BY response_id')).toEqual(before);
      expect(await count(db, 'SELECT COUNT(*) FROM customer')).toBe(e.score_ok);
    });

    it(`${real.file} with an email column: figures equal its meta, and a re-import writes nothing`, async () => {
      const content = withEmails(real);
      const first = await upload(real, content, { ...mappingOf(real), email: 'Email' });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ status: 'done', rows: e.total, accepted: e.score_ok, created: e.score_ok });
      expect(await segments()).toEqual({ promoters: e.promoters, passives: e.passives, detractors: e.detractors });
      const before = await db.query('SELECT response_id, score, responded_at, updated_at FROM feedback_response ORDER BY response_id');
      const again = await upload(real, content, { ...mappingOf(real), email: 'Email' });
      expect(again.json()).toMatchObject({ status: 'done', rows: e.total, created: 0, updated: 0, unchanged: e.score_ok });
      expect(await db.query('SELECT response_id, score, responded_at, updated_at FROM feedback_response ORDER BY response_id')).toEqual(before);
    });
  }

  it('the mapping step (POST /api/imports/preview) shows columns with samples and proposes only a 0–10 score column', async () => {
    for (const real of realExports()) {
      const body = form({}, readFileSync(real.path), real.file);
      const res = await t.app.inject({ method: 'POST', url: '/api/imports/preview', payload: body.payload, headers: { ...staff.marketer, ...body.headers } });
      expect(res.statusCode).toBe(201);
      const preview = res.json();
      expect(preview.header.rows).toBe(real.meta.header_rows);
      expect(preview.columns.length).toBeGreaterThan(0);
      if (!real.meta.score_column) {
        expect(preview.proposal.mapping.score).toBeUndefined();
        expect(preview.proposal.questions).toContain(NO_SCORE_COLUMN_MESSAGE);
      } else expect(preview.proposal.scoreCandidates).toContain(real.meta.score_column);
      if (real.meta.expected.email_ok === 0) expect(preview.proposal.questions.join(' ')).toMatch(/nobody can be invited/);
    }
    expect(await written()).toEqual({ imports: 0, responses: 0, customers: 0 });
  });

  it('the mapping step proposes a location column by its answers (our codes or names, as SurveyMonkey\'s Custom Data 1 carries them)', async () => {
    const [own] = await db.query('SELECT code, name FROM location WHERE code = $1', [OWN]);
    const file = [`Respondent ID,Custom Data 1,How likely are you to recommend us?`, `7001,${own.code.toLowerCase()},9`, `7002,"${own.name}",6`, '7003,,8'].join('\n');
    const preview = async (content: string) => {
      const body = form({}, Buffer.from(content), 'nps.csv');
      return (await t.app.inject({ method: 'POST', url: '/api/imports/preview', payload: body.payload, headers: { ...staff.marketer, ...body.headers } })).json();
    };
    expect((await preview(file)).proposal.mapping.location).toBe('Custom Data 1');
    // A column that names a place we don't know is not proposed.
    expect((await preview(file.replace('7003,,8', '7003,Elsewhere Motors,8'))).proposal.mapping.location).toBeUndefined();
  });

  it('Google Forms dates (M/d/yyyy H:mm:ss) are read as wall time at the location', async () => {
    const real = realExports().find((r) => r.file.startsWith('googleforms'))!;
    await upload(real, withEmails(real), { ...mappingOf(real), email: 'Email' });
    const [row] = await db.query(`SELECT responded_at FROM feedback_response WHERE customer_id = (SELECT id FROM customer WHERE email = 'person1@example.com')`);
    const firstDate = readFileSync(real.path, 'utf8').split('\r\n')[1].split(',')[0]; // e.g. 11/1/2019 8:51:12
    const [m, d, y] = firstDate.split(' ')[0].split('/').map(Number);
    const [h, mi, s] = firstDate.split(' ')[1].split(':').map(Number);
    const tz: { timezone: string }[] = await db.query('SELECT timezone FROM location WHERE code = $1', [OWN]);
    const wall = new Intl.DateTimeFormat('en-US', { timeZone: tz[0].timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
      .format(new Date(row.responded_at));
    expect(wall).toBe(`${m}/${d}/${y}, ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`);
  });

  it('an .xlsx copy of an export (numbers and real date cells) imports with the same figures and the same response times', async () => {
    const google = realExports().find((r) => r.file.startsWith('googleforms'))!;
    const e = google.meta.expected;
    const fromCsv = await upload(google, readFileSync(google.path));
    expect(fromCsv.json()).toMatchObject({ status: 'done', created: e.score_ok });
    const times = await db.query('SELECT responded_at FROM feedback_response ORDER BY responded_at');
    await db.query('DELETE FROM detractor_alert');
    await db.query('DELETE FROM feedback_response');
    await db.query('DELETE FROM customer');

    const xlsx = await xlsxCopyOf(google);
    const body = form({}, xlsx, 'responses.xlsx');
    const preview = await t.app.inject({ method: 'POST', url: '/api/imports/preview', payload: body.payload, headers: { ...staff.marketer, ...body.headers } });
    expect(preview.statusCode).toBe(201);
    expect(preview.json()).toMatchObject({ header: { rows: 1, layout: 'plain' }, decoding: { encoding: 'xlsx' } });
    expect(preview.json().proposal.scoreCandidates).toContain(google.meta.score_column);
    // Real date cells: no date format to choose.
    const { dateFormat: _csvOnly, ...mapping } = mappingOf(google);
    const res = await upload({ ...google, file: 'responses.xlsx' }, xlsx, mapping);
    expect(res.json()).toMatchObject({ status: 'done', rows: e.total, accepted: e.score_ok, created: e.score_ok, rejected: 0 });
    expect(await segments()).toEqual({ promoters: e.promoters, passives: e.passives, detractors: e.detractors });
    expect(await db.query('SELECT responded_at FROM feedback_response ORDER BY responded_at')).toEqual(times);
  });

  it('a mapping without a date format reads the dates as the file writes them (SurveyMonkey AM/PM), and refuses in words dates of either order', async () => {
    const nps = 'How likely is it that you would recommend us to a friend or colleague?';
    const header = `Respondent ID,Collector ID,Start Date,End Date,Email Address,${nps}\r\n,,,,,Response\r\n`;
    const surveyMonkey = { file: 'nps.csv', path: '', meta: { header_rows: 2 } } as unknown as RealExport;
    const mapping = { responseId: 'Respondent ID', email: 'Email Address', respondedAt: 'End Date', score: nps };
    const rows = ['1001,7,11/24/2026 09:58:10 AM,11/24/2026 10:02:15 PM,ana@example.com,9', '1002,7,11/25/2026 11:59:00 PM,11/26/2026 12:03:30 AM,ben@example.com,3'];
    const res = await upload(surveyMonkey, Buffer.from(header + rows.join('\r\n')), mapping);
    expect(res.json()).toMatchObject({ status: 'done', accepted: 2, rejected: 0 });
    const stored: { response_id: string; responded_at: Date }[] = await db.query('SELECT response_id, responded_at FROM feedback_response ORDER BY response_id');
    const tz: { timezone: string }[] = await db.query('SELECT timezone FROM location WHERE code = $1', [OWN]);
    const wall = (at: Date) => new Intl.DateTimeFormat('en-US', { timeZone: tz[0].timezone, hourCycle: 'h23', dateStyle: 'short', timeStyle: 'medium' }).format(at);
    expect(stored.map((r) => [r.response_id, wall(r.responded_at)])).toEqual([['1001', '11/24/26, 22:02:15'], ['1002', '11/26/26, 00:03:30']]);

    await db.query('DELETE FROM feedback_response');
    await db.query('DELETE FROM customer');
    const either = ['2001,7,1/2/2026 9:00:00 AM,1/2/2026 9:05:00 AM,cara@example.com,10', '2002,7,3/4/2026 9:00:00 AM,3/4/2026 9:05:00 AM,dev@example.com,8'];
    const refused = await upload(surveyMonkey, Buffer.from(header + either.join('\r\n')), mapping);
    expect(refused.statusCode).toBe(400);
    expect([refused.json().message].flat().join(' ')).toContain('The dates in "End Date" could be day-first or month-first: give the mapping\'s dateFormat (M/d/yyyy h:mm:ss a or d/M/yyyy h:mm:ss a)');
    expect(await written()).toMatchObject({ responses: 0, customers: 0 });
    expect(await count(db, `SELECT COUNT(*) FROM feedback_import WHERE status = 'failed'`)).toBe(1);
  });

  it('dates that name their zone (a Google Forms download: … AM GMT+1) are read at that offset, and month-named dates at the location', async () => {
    const nps = 'How likely are you to recommend us to a friend? (0-10)';
    const googleForms = { file: 'responses.csv', path: '', meta: { header_rows: 1 } } as unknown as RealExport;
    const mapping = { email: 'Email Address', respondedAt: 'Timestamp', score: nps };
    const zoned = [`Timestamp,Email Address,"${nps}"`, '2026/11/20 10:04:05 AM GMT+1,ana@example.com,9', '2026/11/21 3:30:00 PM GMT+1,ben@example.com,6'];
    expect((await upload(googleForms, Buffer.from(zoned.join('\r\n')), mapping)).json()).toMatchObject({ status: 'done', accepted: 2, rejected: 0 });
    const times = async () => (await db.query('SELECT responded_at FROM feedback_response ORDER BY responded_at')).map((r: { responded_at: Date }) => r.responded_at.toISOString());
    expect(await times()).toEqual(['2026-11-20T09:04:05.000Z', '2026-11-21T14:30:00.000Z']);

    await db.query('DELETE FROM feedback_response');
    await db.query('DELETE FROM customer');
    const named = [`Timestamp,Email Address,"${nps}"`, '"Nov 20, 2026 10:04 AM",cara@example.com,10', '"Dec 1, 2026 3:30 PM",dev@example.com,8'];
    expect((await upload(googleForms, Buffer.from(named.join('\n')), mapping)).json()).toMatchObject({ status: 'done', accepted: 2, rejected: 0 });
    const tz: { timezone: string }[] = await db.query('SELECT timezone FROM location WHERE code = $1', [OWN]);
    const wall = (iso: string) => new Intl.DateTimeFormat('en-US', { timeZone: tz[0].timezone, hourCycle: 'h23', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));
    expect((await times()).map(wall)).toEqual(['11/20/26, 10:04', '12/1/26, 15:30']);
  });

  it('an export saved by Excel as "Unicode text" (UTF-16, tab-separated, commas in its questions) imports every row', async () => {
    const nps = 'On a scale of 0 to 10, how likely is it that you would recommend us?';
    const lines = [`Respondent ID\tEmail Address\t${nps}\tWhy, in a few words?`, '5001\tana@example.com\t10\tQuick, kind, fair', '5002\tben@example.com\t6\tSlow'];
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines.join('\r\n'), 'utf16le')]);
    const excel = { file: 'responses.txt', path: '', meta: { header_rows: 1 } } as unknown as RealExport;
    const mapping = { responseId: 'Respondent ID', email: 'Email Address', score: nps, comment: 'Why, in a few words?' };
    expect((await upload(excel, utf16, mapping)).json()).toMatchObject({ status: 'done', accepted: 2, rejected: 0 });
    expect(await db.query('SELECT response_id, score, comment FROM feedback_response ORDER BY response_id')).toEqual([
      { response_id: '5001', score: 10, comment: 'Quick, kind, fair' },
      { response_id: '5002', score: 6, comment: 'Slow' },
    ]);
  });

  it('a damaged .xlsx is refused in words, nothing written', async () => {
    const google = realExports().find((r) => r.file.startsWith('googleforms'))!;
    const damaged = (await xlsxCopyOf(google)).subarray(0, 600);
    const res = await upload({ ...google, file: 'broken.xlsx' }, damaged);
    expect(res.statusCode).toBe(400);
    expect([res.json().message].flat().join(' ')).toMatch(/spreadsheet \(\.xlsx\) could not be read/);
    expect((await written()).responses).toBe(0);
  });

  it('the CLI without --mapping: an export is refused with the mapping to confirm; after --save-mapping the next file needs no questions; a feedback CSV saved as .xlsx reads by its column names', async () => {
    const scored = realExports().filter((r) => r.meta.score_column);
    const real = scored.find((r) => r.meta.header_rows > 1) ?? scored[0];
    const e = real.meta.expected;
    const refused = await cli(real.path);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('--mapping MAPPING.json');
    expect(refused.stderr).toContain(`proposed mapping: {`);
    expect((await written()).responses).toBe(0);
    // A column of our location codes is proposed as the location, as on the page.
    const coded = join(t.config.dataDir, 'coded.csv');
    writeFileSync(coded, `Respondent ID,Custom Data 1,Email Address,How likely are you to recommend us?\n1,${OWN},ana@example.com,9\n2,${OWN},ben@example.com,6\n`);
    const codedRefused = await cli(coded);
    expect(codedRefused.stderr).toContain('"location":"Custom Data 1"');
    expect(codedRefused.stderr).not.toContain('No location column');

    const mappingFile = join(t.config.dataDir, 'mapping.json');
    writeFileSync(mappingFile, JSON.stringify(mappingOf(real)));
    const first = await cli(real.path, '--mapping', mappingFile, '--location', OWN, '--save-mapping', 'Tool export');
    expect([first.status, first.stdout]).toEqual([0, expect.stringContaining(`accepted ${e.score_ok}`)]);
    // The next file from the same tool (here: the same one again), with no mapping and no location given.
    const next = await cli(real.path);
    expect(next.stdout).toContain('through the mapping saved as "Tool export"');
    expect([next.status, next.stdout]).toEqual([0, expect.stringContaining(`created 0, updated 0, unchanged ${e.score_ok}`)]);

    // The import contract's own columns, saved from a spreadsheet: no mapping needed.
    const ExcelJS = await import('exceljs');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Feedback');
    sheet.addRow(['response_id', 'email', 'location_code', 'score', 'comment', 'responded_at']);
    sheet.addRow(['XL-1', 'xl.one@example.com', OWN, 10, 'Great, thanks', '2026-11-02T10:00:00Z']);
    sheet.addRow(['XL-2', 'xl.two@example.com', OWN, 3, 'Slow', '2026-11-03T10:00:00Z']);
    const xlsxFile = join(t.config.dataDir, 'contract.xlsx');
    writeFileSync(xlsxFile, Buffer.from(await workbook.xlsx.writeBuffer()));
    const xlsx = await cli(xlsxFile);
    expect([xlsx.status, xlsx.stdout]).toEqual([0, expect.stringContaining('accepted 2, rejected 0 (created 2')]);
    expect(xlsx.stdout).toContain('by its column names');
    expect(await db.query(`SELECT response_id, score FROM feedback_response WHERE response_id LIKE 'XL-%' ORDER BY response_id`)).toEqual([
      { response_id: 'XL-1', score: 10 },
      { response_id: 'XL-2', score: 3 },
    ]);
  }, 240000);

  it('the CLI: a dry run prints the meta figures and says "no email"; every file imports as its meta says or is refused, nothing written', async () => {
    const google = realExports().find((r) => r.file.startsWith('googleforms'))!;
    const mappingFile = join(t.config.dataDir, 'mapping.json');
    writeFileSync(mappingFile, JSON.stringify(mappingOf(google)));
    const dry = await cli(google.path, '--mapping', mappingFile, '--location', OWN, '--dry-run');
    expect(dry.stderr).toBe('');
    const e = google.meta.expected;
    expect(dry.stdout).toContain(`scores ${e.score_ok}: promoters ${e.promoters}, passives ${e.passives}, detractors ${e.detractors}; emails ${e.email_ok}`);
    expect(dry.stdout).toContain('no email');
    expect(dry.status).toBe(0);

    // Every file for real: imported with its meta's figures, or refused in words with nothing written.
    for (const real of realExports()) {
      await db.query('DELETE FROM detractor_alert');
      await db.query('DELETE FROM feedback_response');
      await db.query('DELETE FROM customer');
      writeFileSync(mappingFile, JSON.stringify(mappingOf(real)));
      const run = await cli(real.path, '--mapping', mappingFile, '--location', OWN);
      const m = real.meta.expected;
      if (!real.meta.score_column) {
        expect([real.file, run.stderr]).toEqual([real.file, expect.stringContaining(NO_SCORE_COLUMN_MESSAGE)]);
        expect(run.status).not.toBe(0);
        expect((await written()).responses).toBe(0);
        continue;
      }
      expect([real.file, run.status, run.stdout]).toEqual([real.file, 0, expect.stringContaining(`accepted ${m.score_ok}, rejected ${m.total - m.score_ok}`)]);
      expect(await segments()).toEqual({ promoters: m.promoters, passives: m.passives, detractors: m.detractors });
    }
  }, 480000);
});
