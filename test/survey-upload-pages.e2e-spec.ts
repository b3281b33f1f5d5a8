import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { count, OWN, PASSWORD, seedStaff } from './feedback-fixtures';
import { runCli } from './support/processes';
import { createTestApp, TestApp } from './support/app';
import { csrfTokenIn, FormBrowser } from './support/form-browser';
import { mappingOf, realExports } from './support/real-exports';
import { NO_SCORE_COLUMN_MESSAGE } from '../src/feedback/survey-export';

/**
 * The upload page's mapping step without JavaScript (SQLite): upload a survey export as the tool gave it,
 * confirm or change the proposed mapping, import; a mapping saved by name (on the page, or by the CLI's
 * --save-mapping) is applied to the next file with the same header rows, shown and changeable.
 */
describe('survey export mapping step (pages, sqlite)', () => {
  let t: TestApp;
  let db: DataSource;
  let marketer: FormBrowser;
  const google = realExports().find((r) => r.file.startsWith('googleforms'))!;
  const e = google.meta.expected;
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
  const selected = (html: string, name: string) =>
    new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1].match(/<option value="([^"]*)" selected>/)?.[1];

  async function stage(real: { file: string; path?: string; content?: string } = google): Promise<string> {
    const page = await marketer.get('/dashboard/feedback');
    const res = await marketer.upload(`/dashboard/feedback/uploads?_csrf=${encodeURIComponent(csrfTokenIn(page.body))}`, real.file, real.content ?? readFileSync(real.path!));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/dashboard\/feedback\/uploads\/[A-Za-z0-9_-]{22}$/);
    return res.headers.location as string;
  }

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    db = t.app.get(DataSource);
    await seedStaff(t);
    marketer = new FormBrowser(t.app);
    expect((await marketer.signIn('marketer@staff.example.com', PASSWORD)).statusCode).toBe(303);
  });
  afterAll(() => t?.close());

  it('shows columns and the proposal, refuses a mapping without a location in words, imports the confirmed one and saves it by name', async () => {
    const url = await stage();
    const step = await marketer.get(url);
    expect(step.statusCode).toBe(200);
    const shown = text(step.body);
    expect(shown).toContain('11 columns, 1 header row, UTF-8');
    expect(shown).toContain('Several columns hold 0–10 answers');
    expect(shown).toContain('could be day-first or month-first');
    expect(selected(step.body, 'respondedAt')).toBe('Timestamp');
    expect(selected(step.body, 'score')).toBe(''); // "choose the question": nothing picked for the marketer
    expect(selected(step.body, 'comment')).toBe('...why?'); // the free text right after the recommend-style question
    // No location column: the file's location is to be chosen (not "from the Location column").
    expect(step.body).toMatch(/<select id="file-location"[^>]*>\s*<option value="">— choose the location —<\/option>/);

    const fields = { score: google.meta.score_column!, respondedAt: 'Timestamp', comment: '...why?', dateFormat: 'M/d/yyyy H:mm:ss', save: 'yes', saveName: 'Sudzilla form' };
    const refused = await marketer.post(url, { ...fields, fileLocation: '' });
    expect(refused.statusCode).toBe(400);
    expect(text(refused.body)).toContain('No location: choose the location these responses are for');
    expect(selected(refused.body, 'score')).toBe(google.meta.score_column); // what was chosen stays chosen
    expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(0);

    const done = await marketer.post(url, { ...fields, fileLocation: OWN });
    expect(done.statusCode).toBe(303);
    const result = await marketer.get(done.headers.location as string);
    expect(text(result.body)).toContain(`Import finished: ${e.score_ok} of ${e.total} rows accepted`);
    expect(text(result.body)).toContain('The file has no email addresses');
    expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(e.score_ok);
    expect(await count(db, `SELECT COUNT(*) FROM feedback_response WHERE comment IS NOT NULL`)).toBeGreaterThan(30);
    const [saved] = await db.query(`SELECT name, location_code, mapping FROM saved_mapping`);
    expect(saved).toMatchObject({ name: 'Sudzilla form', location_code: OWN });
    expect(JSON.parse(saved.mapping)).toEqual({ score: google.meta.score_column, respondedAt: 'Timestamp', comment: '...why?', dateFormat: 'M/d/yyyy H:mm:ss' });
    // Imported: the staged file is gone.
    expect((await marketer.get(url)).statusCode).toBe(404);
  });

  it('the next file with the same header rows is mapped by the saved mapping (shown, changeable); importing it again writes nothing', async () => {
    const url = await stage();
    const step = await marketer.get(url);
    expect(text(step.body)).toContain('Mapped as your saved mapping “Sudzilla form”');
    expect(selected(step.body, 'score')).toBe(google.meta.score_column);
    expect(selected(step.body, 'dateFormat')).toBe('M/d/yyyy H:mm:ss');
    expect(selected(step.body, 'fileLocation')).toBe(OWN);
    expect(text(step.body)).not.toContain('Several columns hold 0–10 answers');
    const done = await marketer.post(url, { score: google.meta.score_column!, respondedAt: 'Timestamp', comment: '...why?', dateFormat: 'M/d/yyyy H:mm:ss', fileLocation: OWN });
    const result = await marketer.get(done.headers.location as string);
    expect(text(result.body)).toMatch(new RegExp(`Accepted ${e.score_ok} \\(0 new, 0 changed, ${e.score_ok} unchanged\\)`));
  });

  it('the CLI keeps a mapping with --save-mapping; the page then proposes it for that file', async () => {
    const mappingFile = join(t.config.dataDir, 'sudzilla-mapping.json');
    writeFileSync(mappingFile, JSON.stringify({ score: google.meta.score_column, respondedAt: 'Timestamp', dateFormat: 'M/d/yyyy H:mm:ss' }));
    await db.query('DELETE FROM saved_mapping');
    const run = await runCli(['feedback:import', google.path, '--mapping', mappingFile, '--location', OWN, '--save-mapping', 'From the CLI'], t.config);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('mapping saved as "From the CLI"');
    const step = await marketer.get(await stage());
    expect(text(step.body)).toContain('Mapped as your saved mapping “From the CLI”');
    expect(selected(step.body, 'score')).toBe(google.meta.score_column);
  });

  it('every real export imports through the page as its meta says, or is refused in words with nothing written', async () => {
    for (const real of realExports()) {
      await db.query('DELETE FROM feedback_response');
      await db.query('DELETE FROM customer');
      await db.query('DELETE FROM saved_mapping');
      const url = await stage(real);
      const step = await marketer.get(url);
      expect([real.file, step.statusCode]).toEqual([real.file, 200]);
      const chosen = Object.fromEntries(Object.entries(mappingOf(real)).map(([k, v]) => [k, String(v)]));
      const done = await marketer.post(url, { ...chosen, fileLocation: OWN });
      const segments = async () =>
        Object.fromEntries(['promoter', 'passive', 'detractor'].map((s) => [s, 0]).concat(
          (await db.query('SELECT segment, COUNT(*) AS n FROM feedback_response GROUP BY segment')).map((r: { segment: string; n: unknown }) => [r.segment, Number(r.n)]),
        ));
      const m = real.meta.expected;
      if (!real.meta.score_column) {
        expect([real.file, text(step.body)]).toEqual([real.file, expect.stringContaining('This file can’t be imported')]);
        expect([real.file, done.statusCode, text(done.body)]).toEqual([real.file, 400, expect.stringContaining(NO_SCORE_COLUMN_MESSAGE)]);
        expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(0);
        continue;
      }
      expect([real.file, done.statusCode]).toEqual([real.file, 303]);
      expect([real.file, await segments()]).toEqual([real.file, { promoter: m.promoters, passive: m.passives, detractor: m.detractors }]);
    }
  });

  it("a SurveyMonkey export of today's layout (metadata columns, AM/PM dates) is proposed whole and imports with its times", async () => {
    await db.query('DELETE FROM feedback_response');
    await db.query('DELETE FROM saved_mapping');
    const nps = 'How likely is it that you would recommend Harbor Motors to a friend or colleague?';
    const content = [
      `Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,${nps},What is the main reason for your score?`,
      ',,,,,,,,,Response,Open-Ended Response',
      '114123456701,432100001,11/24/2026 09:58:10 AM,11/24/2026 10:02:15 AM,192.0.2.1,ana@example.com,Ana,Silva,,10,"Quick, friendly service"',
      '114123456702,432100001,11/24/2026 12:40:00 PM,11/24/2026 12:44:59 PM,192.0.2.2,ben@example.com,Ben,Ode,,6,Waited too long',
      '114123456703,432100001,11/25/2026 11:59:00 PM,11/26/2026 12:03:30 AM,192.0.2.3,,Cara,Lin,,8,',
    ].join('\r\n');
    const url = await stage({ file: 'Harbor_NPS_Survey.csv', content });
    const step = await marketer.get(url);
    expect(text(step.body)).toContain('SurveyMonkey');
    expect(selected(step.body, 'responseId')).toBe('Respondent ID');
    expect(selected(step.body, 'email')).toBe('Email Address');
    expect(selected(step.body, 'respondedAt')).toBe('End Date');
    expect(selected(step.body, 'score')).toBe(nps);
    expect(selected(step.body, 'dateFormat')).toBe('M/d/yyyy h:mm:ss a');
    expect(selected(step.body, 'name')).toBe('First Name');
    expect(selected(step.body, 'comment')).toBe('What is the main reason for your score?');
    expect(text(step.body)).not.toContain('could be day-first or month-first');
    const form = Object.fromEntries(['responseId', 'email', 'respondedAt', 'score', 'comment', 'dateFormat'].map((name) => [name, selected(step.body, name) ?? '']));
    const done = await marketer.post(url, { ...form, comment: 'What is the main reason for your score?', fileLocation: OWN });
    expect(done.statusCode).toBe(303);
    expect(text((await marketer.get(done.headers.location as string)).body)).toContain('Import finished: 3 of 3 rows accepted');
    const rows: { response_id: string; responded_at: string | Date; score: number; comment: string | null }[] = await db.query(
      'SELECT response_id, responded_at, score, comment FROM feedback_response ORDER BY response_id',
    );
    expect(rows.map((r) => [r.response_id, new Date(`${String(r.responded_at).replace(' ', 'T').replace(/Z?$/, 'Z')}`).toISOString(), Number(r.score), r.comment])).toEqual([
      ['114123456701', '2026-11-24T10:02:15.000Z', 10, 'Quick, friendly service'],
      ['114123456702', '2026-11-24T12:44:59.000Z', 6, 'Waited too long'],
      ['114123456703', '2026-11-26T00:03:30.000Z', 8, null],
    ]);
  });

  it('dates that could be either order offer both of the file’s own shapes, by example, with nothing preselected', async () => {
    const content = ['Date Submitted,Score,Email', '1/2/2026 10:15:00 PM,9,a@example.com', '3/4/2026 9:05:00 AM,7,b@example.com'].join('\n');
    const step = await marketer.get(await stage({ file: 'ambiguous.csv', content }));
    expect(text(step.body)).toContain('could be day-first or month-first');
    expect(selected(step.body, 'dateFormat')).toBe('');
    const options = /<select[^>]*name="dateFormat"[^>]*>([\s\S]*?)<\/select>/.exec(step.body)![1];
    expect(options).toContain('<option value="M/d/yyyy h:mm:ss a">Month first: 11/20/2026 2:05:00 PM</option>');
    expect(options).toContain('<option value="d/M/yyyy h:mm:ss a">Day first: 20/11/2026 2:05:00 PM</option>');
  });

  it('a location manager (dealer) can neither upload nor open a mapping step', async () => {
    const url = await stage();
    const dealer = new FormBrowser(t.app);
    await dealer.signIn('dealer@staff.example.com', PASSWORD);
    expect((await dealer.get(url)).statusCode).toBe(403);
    const home = await dealer.get('/dashboard');
    const upload = await dealer.upload(`/dashboard/feedback/uploads?_csrf=${encodeURIComponent(csrfTokenIn(home.body))}`, google.file, readFileSync(google.path));
    expect(upload.statusCode).toBe(403);
    expect((await dealer.post(url, { score: google.meta.score_column!, fileLocation: OWN }, csrfTokenIn(home.body))).statusCode).toBe(403);
  });
});
