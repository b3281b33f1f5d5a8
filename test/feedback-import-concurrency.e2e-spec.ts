import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { readBool } from '../src/database/sql';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { csv, csvRow, daysAgo, OTHER, OWN, seedStaff } from './feedback-fixtures';
import { createTestApp, TestApp } from './support/app';

/**
 * Imports that share customers write at the same time on PostgreSQL (batches wait for each other only on a shared
 * response id). Whatever order they commit in, each customer must end up pointing at their latest response by
 * (responded_at, import order), with the consent of that response — as a recomputation from the stored responses says.
 */
describe('feedback imports sharing customers, written at once (postgres)', () => {
  let t: TestApp;
  let db: DataSource;
  let useCase: ImportFeedbackUseCase;
  const actor = cliActor('test');
  const importText = (text: string) => useCase.run({ source: 'cli', filename: 'test.csv', input: Readable.from([Buffer.from(text)]), actor });

  /** Customers whose stored latest (or consent) is not what their responses say. */
  const inconsistent = () =>
    db.query(
      `SELECT c.email, c.latest_response_id, want.id AS want, c.marketing_consent, want.marketing_consent AS want_consent
       FROM customer c
       JOIN LATERAL (SELECT r.id, r.marketing_consent FROM feedback_response r WHERE r.customer_id = c.id
                     ORDER BY r.responded_at DESC, r.import_seq DESC LIMIT 1) want ON true
       WHERE c.latest_response_id IS DISTINCT FROM want.id OR c.marketing_consent <> COALESCE(want.marketing_consent, false)`,
    );
  const latestOf = async (email: string) =>
    (await db.query(`SELECT r.response_id FROM customer c JOIN feedback_response r ON r.id = c.latest_response_id WHERE c.email = $1`, [email]))[0]
      ?.response_id;

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'postgres' });
    db = t.app.get(DataSource);
    await seedStaff(t);
    useCase = t.app.get(ImportFeedbackUseCase);
  });
  afterAll(() => t?.close());

  it('breaks a tie on the response time by import order, even when the earlier import commits last', async () => {
    const at = daysAgo(3);
    await importText(csv(csvRow('T-0', 'tie@example.com', OWN, 7, '', '', 'first visit', daysAgo(30), '', 'no')));

    // Another transaction holds a new customer's address: the first import, which also creates that customer, waits
    // on it after taking its import order, while the second import (later order, same time) writes and commits.
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`INSERT INTO customer (id, email) VALUES ('00000000-0000-4000-8000-00000000b10c', 'held@example.com')`);
      const [{ pid }] = await holder.query('SELECT pg_backend_pid() AS pid');
      const first = importText(
        csv(
          csvRow('T-1', 'tie@example.com', OWN, 6, '', '', 'imported first', at, '', 'no'),
          csvRow('T-H', 'held@example.com', OTHER, 9, '', '', '', daysAgo(4), '', 'yes'),
        ),
      );
      for (let waited = 0; ; waited += 20) {
        const [{ n }] = await db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
        if (n > 0) break;
        if (waited > 10_000) throw new Error('the first import never waited on the held address');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const second = await importText(csv(csvRow('T-2', 'tie@example.com', OTHER, 10, '', '', 'imported second', at, '', 'yes')));
      expect(second).toMatchObject({ status: 'done', created: 1 });
      expect(await latestOf('tie@example.com')).toBe('T-2');
      await holder.rollbackTransaction();
      expect(await first).toMatchObject({ status: 'done', created: 2 });
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }

    // T-1 has the same time and an earlier import order: T-2 stays the latest, and its consent stands.
    expect(await latestOf('tie@example.com')).toBe('T-2');
    const [customer] = await db.query(`SELECT marketing_consent, latest_score FROM customer WHERE email = 'tie@example.com'`);
    expect({ consent: readBool(customer.marketing_consent), score: Number(customer.latest_score) }).toEqual({ consent: true, score: 10 });
    expect(await inconsistent()).toEqual([]);
  });

  it('leaves every customer consistent with their responses after imports sharing many customers run at once', async () => {
    // Three files over the same 300 customers, with many equal response times, imported side by side (each file is
    // several batches' worth of customers shared with the others).
    const file = (tag: string, seed: number) =>
      csv(
        ...Array.from({ length: 900 }, (_, i) => {
          const c = (i * 7 + seed) % 300;
          const consent = (i + seed) % 3 === 0 ? 'no' : 'yes';
          return csvRow(`${tag}-${i}`, `many${c}@example.com`, i % 2 ? OWN : OTHER, (i * seed) % 11, '', '', '', daysAgo((i + seed) % 4), '', consent);
        }),
      );
    const results = await Promise.all([importText(file('A', 1)), importText(file('B', 2)), importText(file('C', 5))]);
    for (const result of results) expect(result).toMatchObject({ status: 'done', accepted: 900, created: 900 });
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM customer WHERE email LIKE 'many%'`);
    expect(n).toBe(300);
    expect(await inconsistent()).toEqual([]);
  });
});
