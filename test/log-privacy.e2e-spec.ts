import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { createRootLogger, PinoNestLogger } from '../src/common/logging/logger';
import { csv, csvRow, daysAgo, multipart, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

/** Personal data in one file: every value here must stay out of the logs. */
const PEOPLE = [
  { email: 'ana.privat@example.com', name: 'Ana Privatovna', phone: '+1 555 0199', comment: 'Refuse: my own private words' },
  { email: 'ben.verborgen@example.com', name: 'Ben Verborgen', phone: '+1 555 0199', comment: 'Refuse: nobody should read this' },
];
const FILE = csv(...PEOPLE.map((p, i) => csvRow(`LOG-${i}`, p.email, OWN, 3 + i, p.name, p.phone, p.comment, daysAgo(1), '', 'yes')));
const SECRETS = PEOPLE.flatMap((p) => [p.email, p.email.split('@')[0], p.name, p.name.split(' ')[1], p.phone, p.comment, p.comment.split(': ')[1]]);

/**
 * What makes a batch fail, in the statement whose parameters carry the batch's personal data: the
 * customers insert (emails, names, phones) or the responses upsert (names, phones, comments).
 * PostgreSQL's own errors quote values back in `detail` ("Key (phone)=(…) already exists", "Failing row
 * contains (…)"); SQLite's trigger errors don't, but the statement's parameters still hold them all.
 */
const FAILURES: Record<Dialect, { statement: string; install: string[]; remove: string[] }[]> = {
  postgres: [
    { statement: 'customers insert', install: ['CREATE UNIQUE INDEX test_uq_customer_phone ON customer (phone)'], remove: ['DROP INDEX test_uq_customer_phone'] },
    {
      statement: 'responses upsert',
      install: [`ALTER TABLE feedback_response ADD CONSTRAINT test_ck_comment CHECK (comment NOT LIKE 'Refuse%')`],
      remove: ['ALTER TABLE feedback_response DROP CONSTRAINT test_ck_comment'],
    },
  ],
  sqlite: [
    {
      statement: 'customers insert',
      install: [`CREATE TRIGGER test_refuse_customer BEFORE INSERT ON customer BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END`],
      remove: ['DROP TRIGGER test_refuse_customer'],
    },
    {
      statement: 'responses upsert',
      install: [`CREATE TRIGGER test_refuse_response BEFORE INSERT ON feedback_response BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END`],
      remove: ['DROP TRIGGER test_refuse_response'],
    },
  ],
};

describe.each<Dialect>(['postgres', 'sqlite'])('no personal data in logs when an import batch fails (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  const lines: string[] = [];

  /** What anything printed through the console (libraries do) while a test ran. */
  const printed: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
    // The application's own logger configuration, writing into this array instead of stdout.
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    t.app.useLogger(new PinoNestLogger(createRootLogger('info', sink)));
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    }
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it.each(FAILURES[dialect])('the $statement fails: the error is logged by name and code, without values', async ({ install, remove }) => {
    lines.length = 0;
    printed.length = 0;
    for (const sql of install) await db.query(sql);
    try {
      const id = randomUUID();
      const body = multipart(FILE);
      const res = await t.app.inject({ method: 'POST', url: `/api/imports?id=${id}`, payload: body.payload, headers: { ...staff.marketer, ...body.headers } });
      expect(res.statusCode).toBe(500);

      const entries = lines.map((line) => JSON.parse(line));
      const failed = entries.find((entry) => entry.msg === 'feedback import failed');
      expect(failed).toMatchObject({ importId: id, err: { type: 'QueryFailedError' } });
      if (dialect === 'postgres') expect(failed.err.code).toMatch(/^23/); // integrity constraint violation
      // The answer is the import's reason in words (a 500 the filter logs as such); the raw error is logged once, above.
      expect(res.json().message).toEqual([expect.stringMatching(/^The import stopped: the database refused a batch of rows\./)]);
      const logged = [...lines, ...printed].join('\n');
      for (const secret of SECRETS) expect(logged).not.toContain(secret);
      // TypeORM's own report of the failed query goes through the same logger, by statement kind only.
      expect(entries).toContainEqual(expect.objectContaining({ context: 'Database', msg: 'query failed', statement: 'INSERT' }));

      // The import's stored reason, shown to staff, carries none either.
      const record = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: staff.marketer });
      expect(record.json()).toMatchObject({ status: 'failed', error: expect.stringContaining('The import stopped') });
      for (const secret of SECRETS) expect(record.body).not.toContain(secret);
    } finally {
      for (const sql of remove) await db.query(sql);
    }
  });
});
