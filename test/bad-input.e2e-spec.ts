import { Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { IMPORT_BATCH_ROWS } from '../src/feedback/import-feedback.use-case';
import { LocationsImportService } from '../src/locations/locations-import.service';
import { clearFeedback, count, csv, csvRow, daysAgo, HEADER, multipart, OTHER, OWN, PASSWORD, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';

/** Issue #12, bad input: what hostile or broken input gets, on both dialects. */
describe.each<Dialect>(['postgres', 'sqlite'])('bad input (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  const upload = (text: string | Buffer) => {
    const body = multipart(text);
    return t.app.inject({ method: 'POST', url: '/api/imports', payload: body.payload, headers: { ...staff.marketer, ...body.headers } });
  };
  const errorsOf = async (id: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/imports/${id}/errors`, headers: staff.marketer })).json();
  const storedIds = async () =>
    ((await db.query('SELECT response_id FROM feedback_response ORDER BY response_id')) as { response_id: string }[]).map((r) => r.response_id);

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
  });
  afterAll(() => t?.close());
  beforeEach(() => clearFeedback(db));

  describe('invisible characters that could flip or hide the text around them', () => {
    it('takes bidi overrides and zero-width characters out of names (webhook, CSV, locations) and overrides out of comments', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/feedback',
        headers: staff.apiKey,
        payload: { responses: [{ responseId: 'B-1', email: 'b1@example.com', locationCode: OWN, score: 9, name: 'Sa\u202Em\u200B Lee\u2066', comment: 'Great \u202Eecivres\u202C team \u{1F468}\u200D\u{1F469}' }] },
      });
      expect(res.json()).toMatchObject({ accepted: 1 });
      await upload(csv(csvRow('B-2', 'b2@example.com', OWN, 10, 'Jo\u200D\u202Ey', '', 'ok', daysAgo(1))));
      const rows: { response_id: string; name: string; comment: string }[] = await db.query(
        `SELECT r.response_id, c.name, r.comment FROM feedback_response r JOIN customer c ON c.id = r.customer_id ORDER BY r.response_id`,
      );
      expect(rows.map((r) => [r.response_id, r.name])).toEqual([['B-1', 'Sam Lee'], ['B-2', 'Joy']]);
      expect(rows[0].comment).toBe('Great ecivres team \u{1F468}\u200D\u{1F469}');
      const location = await t.app.inject({ method: 'POST', url: '/api/locations', headers: staff.admin, payload: { code: 'BIDI-1', name: 'North\u202Eside\u200B Motors' } });
      expect(location.json()).toMatchObject({ name: 'Northside Motors' });
    });
  });

  describe('NUL characters', () => {
    it('webhook: refuses the item holding one, with its reason, and stores the others of the batch', async () => {
      const item = (id: string, extra: Record<string, unknown> = {}) => ({ responseId: id, email: `${id.toLowerCase()}@example.com`, locationCode: OWN, score: 9, ...extra });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/feedback',
        headers: staff.apiKey,
        payload: { responses: [item('N-1'), item('N-2', { comment: 'fine\u0000then not' }), item('N-3'), item('N-4', { name: 'A\u0000' })] },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        accepted: 2,
        rejected: [
          { index: 1, responseId: 'N-2', reason: 'comment must not contain a NUL character (\\0)' },
          { index: 3, responseId: 'N-4', reason: 'name must not contain a NUL character (\\0)' },
        ],
      });
      expect(await storedIds()).toEqual(['N-1', 'N-3']);
    });

    it('feedback CSV: refuses the row, with its line, and imports the rest (the import does not fail)', async () => {
      const text = csv(
        csvRow('C-1', 'c1@example.com', OWN, 3, 'Cy', '', 'before', daysAgo(1)),
        csvRow('C-2', 'c2@example.com', OWN, 2, 'Di', '', 'bad\u0000comment', daysAgo(1)),
        csvRow('C-3', 'c3@example.com', OTHER, 10),
      );
      const res = await upload(text);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: 'done', error: null, rows: 3, accepted: 2, rejected: 1, alerts: 1 });
      expect(await errorsOf(res.json().id)).toEqual([
        { line: 3, responseId: null, reason: 'comment contains a NUL character (\\0), which text may not hold' },
      ]);
      expect(await storedIds()).toEqual(['C-1', 'C-3']);
    });

    it('locations CSV: refuses the row, with its line', async () => {
      const report = await t.app
        .get(LocationsImportService)
        .import(Readable.from([Buffer.from('code,name\nNUL-1,Good\nNUL-2,Bad\u0000Name\nNUL-3,Also good\n')]), cliActor('test'));
      expect(report).toMatchObject({ created: 2, rejected: [{ line: 3, reason: 'name contains a NUL character (\\0), which text may not hold' }] });
      expect(await count(db, "SELECT COUNT(*) FROM location WHERE code LIKE 'NUL-%'")).toBe(2);
    });

    it('JSON bodies, query strings and forms: 400 naming the field, nothing written', async () => {
      const json = await t.app.inject({ method: 'POST', url: '/api/locations', headers: staff.admin, payload: { code: 'NUL-9', name: 'Bad\u0000' } });
      expect(json.statusCode).toBe(400);
      expect(json.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: ['body.name must not contain a NUL character (\\0)'] });

      const query = await t.app.inject({ method: 'GET', url: '/api/promoters?location=DLR%00', headers: staff.admin });
      expect(query.statusCode).toBe(400);
      expect(query.json().message).toEqual(['query.location must not contain a NUL character (\\0)']);

      const browser = new FormBrowser(t.app);
      expect((await browser.signIn('admin@staff.example.com', PASSWORD)).statusCode).toBe(303);
      const form = await browser.submit('/dashboard/locations/new', '/dashboard/locations', { code: 'NUL-8', name: 'Form\u0000name' });
      expect(form.statusCode).toBe(400);
      expect(form.headers['content-type']).toContain('text/html');
      const login = await new FormBrowser(t.app).signIn('admin@staff.example.com\u0000', PASSWORD);
      expect(login.statusCode).toBe(400);
      expect(await count(db, "SELECT COUNT(*) FROM location WHERE code IN ('NUL-8', 'NUL-9')")).toBe(0);
    });
  });

  describe('JSON bodies', () => {
    const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

    it.each([
      ['/api/auth/login', deep(100_000)],
      ['/x-length', deep(100_000)],
      ['/api/feedback', `{"responses":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`],
    ])('answers 400 to JSON nested 100,000 levels deep on %s, before anything recurses, with no error logged', async (url, payload) => {
      const logged = jest.spyOn(Logger.prototype, 'error');
      try {
        const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...staff.apiKey }, payload });
        expect(res.statusCode).toBe(400);
        expect(res.json().message).toEqual(['The JSON body is nested more than 32 levels deep']);
        expect(logged).not.toHaveBeenCalled();
      } finally {
        logged.mockRestore();
      }
    });

    it('treats an empty JSON body as no body on action routes', async () => {
      const created = await t.app.inject({ method: 'POST', url: '/api/campaigns', headers: staff.marketer, payload: { name: 'Empty bodies' } });
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      for (const action of ['dry-run', 'launch', 'pause', 'resume', 'end']) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/campaigns/${id}/${action}`,
          headers: { ...staff.marketer, 'content-type': 'application/json' },
          payload: '',
        });
        expect({ action, status: res.statusCode, body: res.statusCode < 300 ? 'accepted' : res.body }).toEqual({ action, status: res.statusCode, body: 'accepted' });
      }
      // A route that needs a body still says what is missing.
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' });
      expect(login.statusCode).toBe(400);
      expect(login.json().message).toContain('email must be an email address');
    });
  });

  describe('CSV files', () => {
    it('refuses a row with a huge quoted field (5 MB), with its line, and keeps the rows after it', async () => {
      const huge = 'x'.repeat(5 * 1024 * 1024);
      const text = csv(
        csvRow('H-1', 'h1@example.com', OWN, 9),
        csvRow('H-2', 'h2@example.com', OWN, 9, '', '', `${huge}\n${huge}`),
        csvRow('H-3', 'h3@example.com', OWN, 10),
        csvRow('H-4', 'h4@example.com', OTHER, 7, '', '', 'a "quoted", word'),
      );
      const res = await upload(text);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: 'done', accepted: 3, rejected: 1 });
      expect(await errorsOf(res.json().id)).toEqual([
        { line: 3, responseId: null, reason: 'Row larger than 1 MB, the most one row may hold: lines 3–4 were not read' },
      ]);
      expect(await storedIds()).toEqual(['H-1', 'H-3', 'H-4']);
    });

    it('says where an unclosed quote opened and which lines it swallowed', async () => {
      const text = [HEADER, '"Q-1,q1@example.com,DLR-001,9', csvRow('Q-2', 'q2@example.com', OWN, 9), csvRow('Q-3', 'q3@example.com', OWN, 9)].join('\n') + '\n';
      const res = await upload(text);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ status: 'done', accepted: 0, rejected: 1 });
      expect(await errorsOf(res.json().id)).toEqual([
        { line: 2, responseId: null, reason: 'A quote opened on line 2 is never closed, so lines 2–4 were not read' },
      ]);
    });

    it.each([
      ['response_id,email,location_code,score,email\nD-1,a@example.com,DLR-001,9,b@example.com\n', '"email" (column 2) and "email" (column 5) both name email'],
      ['Response ID,email,location_code,score,response_id\nD-1,a@example.com,DLR-001,9,D-2\n', '"Response ID" (column 1) and "response_id" (column 5) both name response_id'],
    ])('refuses duplicate columns with their names: %j', async (text, names) => {
      const res = await upload(text);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toEqual([`Duplicate columns: ${names}. Keep one of each.`]);
      expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(0);
    });
  });

  describe('CSV answers', () => {
    it.each([
      ['an unknown location', 'admin', 'NOPE-1'],
      ["another dealer's location", 'dealer', OTHER],
    ] as const)('answer as the JSON form does for %s', async (_label, role, location) => {
      for (const path of ['/api/promoters', '/api/nps', '/api/alerts']) {
        const json = await t.app.inject({ method: 'GET', url: `${path}?location=${location}`, headers: staff[role] });
        const csvForm = await t.app.inject({ method: 'GET', url: `${path}?location=${location}&format=csv`, headers: staff[role] });
        expect({ path, status: csvForm.statusCode, body: csvForm.json() }).toEqual({ path, status: 404, body: json.json() });
      }
    });
  });

  describe('a failed import', () => {
    afterEach(async () => {
      if (dialect === 'postgres') {
        await db.query('DROP TRIGGER IF EXISTS refuse_f2 ON feedback_response');
        await db.query('DROP FUNCTION IF EXISTS refuse_f2()');
      } else {
        await db.query('DROP TRIGGER IF EXISTS refuse_f2');
      }
    });

    it('tells staff what happened in words (API and page); the raw database error goes only to the log, with ids', async () => {
      const raw = 'raw database detail about f2@example.com';
      if (dialect === 'postgres') {
        await db.query(
          `CREATE FUNCTION refuse_f2() RETURNS trigger AS $$ BEGIN
             IF NEW.response_id = 'F-2' THEN RAISE EXCEPTION '${raw}'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
        );
        await db.query('CREATE TRIGGER refuse_f2 BEFORE INSERT ON feedback_response FOR EACH ROW EXECUTE FUNCTION refuse_f2()');
      } else {
        await db.query(`CREATE TRIGGER refuse_f2 BEFORE INSERT ON feedback_response WHEN NEW.response_id = 'F-2' BEGIN SELECT RAISE(ABORT, '${raw}'); END`);
      }
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        const text = csv(csvRow('F-1', 'f1@example.com', OWN, 9), csvRow('F-2', 'f2@example.com', OWN, 9));
        const res = await upload(text);
        expect(res.statusCode).toBe(500);
        const [stored] = (await db.query("SELECT id, status, error FROM feedback_import WHERE source = 'api'")) as { id: string; status: string; error: string }[];
        const words = `The import stopped: the database refused a batch of rows. The counts show what was saved before it; importing the same file again completes the import without duplicating rows. If it happens again, quote import ${stored.id} to your administrator.`;
        expect(res.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: [words] });
        expect(stored).toMatchObject({ status: 'failed', error: words });
        const api = await t.app.inject({ method: 'GET', url: `/api/imports/${stored.id}`, headers: staff.marketer });
        expect(api.json()).toMatchObject({ status: 'failed', error: words });

        const page = await t.app.inject({ method: 'GET', url: `/dashboard/feedback/imports/${stored.id}`, headers: { ...staff.marketer, accept: 'text/html' } });
        expect(page.body).toContain('The import stopped: the database refused a batch of rows.');
        // Its only batch was rolled back whole: nothing from it was written.
        expect(api.json()).toMatchObject({ rows: 0, accepted: 0 });
        expect(page.body).toContain('The file was not imported.');
        expect(await storedIds()).toEqual([]);
        for (const shown of [res.body, api.body, page.body]) expect(shown).not.toContain('f2@example.com');

        const log = logged.mock.calls.map((call) => call[0] as { msg?: string; importId?: string; err?: Error });
        expect(log).toContainEqual(expect.objectContaining({ msg: 'feedback import failed', importId: stored.id, err: expect.objectContaining({ message: expect.stringContaining('raw database detail') }) }));
      } finally {
        logged.mockRestore();
      }
    });

    it('a batch refused after others were written: they stay, and the page says the import stopped part-way', async () => {
      if (dialect === 'postgres') {
        await db.query(`CREATE FUNCTION refuse_f2() RETURNS trigger AS $$ BEGIN IF NEW.response_id = 'P-LAST' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
        await db.query('CREATE TRIGGER refuse_f2 BEFORE INSERT ON feedback_response FOR EACH ROW EXECUTE FUNCTION refuse_f2()');
      } else {
        await db.query(`CREATE TRIGGER refuse_f2 BEFORE INSERT ON feedback_response WHEN NEW.response_id = 'P-LAST' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
      }
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        const rows = Array.from({ length: IMPORT_BATCH_ROWS }, (_, i) => csvRow(`P-${i}`, `p${i}@example.com`, OWN, 9));
        const res = await upload(csv(...rows, csvRow('P-LAST', 'last@example.com', OWN, 9)));
        expect(res.statusCode).toBe(500);
        const [stored] = (await db.query("SELECT id FROM feedback_import WHERE source = 'api'")) as { id: string }[];
        const api = await t.app.inject({ method: 'GET', url: `/api/imports/${stored.id}`, headers: staff.marketer });
        expect(api.json()).toMatchObject({ status: 'failed', rows: IMPORT_BATCH_ROWS, accepted: IMPORT_BATCH_ROWS, error: expect.stringMatching(/^The import stopped: the database refused a batch of rows\./) });
        expect(await count(db, 'SELECT COUNT(*) FROM feedback_response')).toBe(IMPORT_BATCH_ROWS);
        const page = await t.app.inject({ method: 'GET', url: `/dashboard/feedback/imports/${stored.id}`, headers: { ...staff.marketer, accept: 'text/html' } });
        expect(page.body).toContain('The import stopped part-way.');
        expect(page.body).not.toContain('boom');
      } finally {
        logged.mockRestore();
      }
    });

    it('the upload page shows the stopped import, not an error page', async () => {
      if (dialect === 'postgres') {
        await db.query(`CREATE FUNCTION refuse_f2() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$ LANGUAGE plpgsql`);
        await db.query('CREATE TRIGGER refuse_f2 BEFORE INSERT ON feedback_response FOR EACH ROW EXECUTE FUNCTION refuse_f2()');
      } else {
        await db.query(`CREATE TRIGGER refuse_f2 BEFORE INSERT ON feedback_response BEGIN SELECT RAISE(ABORT, 'boom'); END`);
      }
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        const browser = new FormBrowser(t.app);
        expect((await browser.signIn('marketer@staff.example.com', PASSWORD)).statusCode).toBe(303);
        const page = await browser.get('/dashboard/feedback');
        const action = /<form[^>]+action="(\/dashboard\/feedback\/imports\?[^"]+)"/.exec(page.body)![1].replace(/&amp;/g, '&');
        const posted = await browser.upload(action, 'f.csv', csv(csvRow('F-9', 'f9@example.com', OWN, 9)));
        expect(posted.statusCode).toBe(303);
        const result = await browser.get(posted.headers.location as string);
        expect(result.statusCode).toBe(200);
        expect(result.body).toContain('The import stopped: the database refused a batch of rows.');
        expect(result.body).not.toContain('boom');
      } finally {
        logged.mockRestore();
      }
    });
  });
});
