import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { DataRetention } from '../src/privacy/data-retention';
import { insertShare } from './factories/shares';
import { csv, csvRow, daysAgo, OWN, seedStaff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

const DAY = 24 * 3600_000;

/**
 * Both dialects. The daily retention job, run with a clock we control (`run(now)`): nothing young enough is
 * touched; past `dataRetentionDays` responses lose comment, name and phone (score and date stay), customers
 * lose their identity, approval requests (IP, browser) are deleted; expired links and finished outbox rows go.
 */
describe.each<Dialect>(['postgres', 'sqlite'])('data retention (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let sut: DataRetention;
  const q = (sql: string, params: unknown[] = []) => {
    let n = 0;
    return db.query(dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };
  const time = (d: Date) => (dialect === 'postgres' ? d.toISOString() : d.toISOString().replace('T', ' ').replace('Z', ''));

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    sut = t.app.get(DataRetention);
    await seedStaff(t);
  });
  afterAll(() => t?.close());

  it('waits for the retention period, then anonymises and deletes what it promised, once', async () => {
    const imported = await t.app.get(ImportFeedbackUseCase).run({
      source: 'cli',
      filename: 'old.csv',
      input: Readable.from([Buffer.from(csv(csvRow('ret-1', 'rita.retention@example.com', OWN, 9, 'Rita Retention', '+1-555-0142-99999', 'Nice place', daysAgo(3), '', 'yes')))]),
      actor: cliActor('test'),
    });
    expect(imported).toMatchObject({ status: 'done', created: 1 });
    const [{ id: customerId }] = await q('SELECT id FROM customer WHERE email = ?', ['rita.retention@example.com']);
    const location = (await q('SELECT id FROM location WHERE code = ?', [OWN]))[0].id;
    const { recommendationId } = await insertShare(db, { customerId, locationId: location });
    await q('INSERT INTO recommendation_approval_request (recommendation_id, ip, user_agent) VALUES (?, ?, ?)', [recommendationId, '203.0.113.7', 'Mozilla/5.0']);
    const [{ id: invitationId }] = await q('SELECT invitation_id AS id FROM recommendation WHERE id = ?', [recommendationId]);
    await q('INSERT INTO invitation_token (id, invitation_id, token_hash, expires_at) VALUES (?, ?, ?, ?)', [
      randomUUID(),
      invitationId,
      'a'.repeat(64),
      time(new Date(Date.now() + 5 * DAY)),
    ]);
    await q(`INSERT INTO job_outbox (id, job_name, payload, available_at, dispatched_at, completed_at, attempts) VALUES (?, 'notifications.send-email', ?, ?, ?, ?, 1)`, [
      randomUUID(),
      JSON.stringify({ to: 'x@example.com' }),
      time(new Date()),
      time(new Date()),
      time(new Date()),
    ]);
    const snapshot = async () => ({
      response: (await q('SELECT score, comment, name, phone FROM feedback_response WHERE customer_id = ?', [customerId]))[0],
      customer: (await q('SELECT email, name, phone, latest_score FROM customer WHERE id = ?', [customerId]))[0],
      approvals: Number((await q('SELECT count(*) AS n FROM recommendation_approval_request'))[0].n),
      tokens: Number((await q('SELECT count(*) AS n FROM invitation_token'))[0].n),
      outbox: Number((await q(`SELECT count(*) AS n FROM job_outbox WHERE dispatched_at IS NOT NULL`))[0].n),
    });
    const before = await snapshot();
    expect(before.response).toMatchObject({ comment: 'Nice place', name: 'Rita Retention' });

    // Ten days on: only the expired link and the finished outbox row go.
    const early = await sut.run(Date.now() + 10 * DAY);
    expect(early).toMatchObject({ responsesAnonymised: 0, customersAnonymised: 0, approvalRequestsDeleted: 0, invitationTokensDeleted: 1, outboxRowsDeleted: before.outbox });
    const middle = await snapshot();
    expect(middle).toMatchObject({ response: before.response, customer: before.customer, approvals: 1, tokens: 0, outbox: 0 });

    // Past the setting (730 days by default): the personal data goes, scores stay.
    const late = await sut.run(Date.now() + 731 * DAY);
    expect(late).toMatchObject({ responsesAnonymised: 1, customersAnonymised: 1, approvalRequestsDeleted: 1 });
    const after = await snapshot();
    expect(after.response).toMatchObject({ comment: null, name: null, phone: null });
    expect(Number(after.response.score)).toBe(9);
    expect(after.customer).toMatchObject({ email: `erased:${customerId}`, name: null, phone: null });
    expect(Number(after.customer.latest_score)).toBe(9);
    expect(after.approvals).toBe(0);
    const audits = await q(`SELECT actor_type, details FROM audit_event WHERE action = 'privacy.retention_run'`);
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits)).not.toContain('@');

    // Idempotent: a second run that day finds nothing and leaves no audit row.
    expect(await sut.run(Date.now() + 731 * DAY)).toEqual({
      responsesAnonymised: 0,
      customersAnonymised: 0,
      approvalRequestsDeleted: 0,
      invitationTokensDeleted: 0,
      passwordTokensDeleted: 0,
      outboxRowsDeleted: 0,
      exportLinksDeleted: 0,
    });
    expect(await q(`SELECT id FROM audit_event WHERE action = 'privacy.retention_run'`)).toHaveLength(2);
  });

  it('follows the setting: a shorter retention takes effect at the next run', async () => {
    const admin = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@staff.example.com', password: 'feedback-tests-password-1' } });
    const headers = { authorization: `Bearer ${admin.json().accessToken}` };
    expect((await t.app.inject({ method: 'PATCH', url: '/api/settings', headers, payload: { dataRetentionDays: 30 } })).statusCode).toBe(200);
    await t.app.get(ImportFeedbackUseCase).run({
      source: 'cli',
      filename: 'short.csv',
      // Sam, and a response that came without an email (its name must go too).
      input: Readable.from([Buffer.from(csv(csvRow('ret-2', 'sam.short@example.com', OWN, 7, 'Sam Short', '', 'Ok', daysAgo(3), '', 'no'), csvRow('ret-3', '', OWN, 10, 'Nora Noaddress', '+1-555-0100', 'Great', daysAgo(3))))]),
      actor: cliActor('test'),
    });
    expect(await sut.run(Date.now() + 20 * DAY)).toMatchObject({ responsesAnonymised: 0, customersAnonymised: 0 });
    expect(await sut.run(Date.now() + 31 * DAY)).toMatchObject({ responsesAnonymised: 2, customersAnonymised: 2 });
    expect(await q('SELECT count(*) AS n FROM customer WHERE email = ?', ['sam.short@example.com'])).toEqual([{ n: dialect === 'postgres' ? '0' : 0 }]);
    expect(await q(`SELECT count(*) AS n FROM customer WHERE email IS NULL OR name IS NOT NULL OR phone IS NOT NULL`)).toEqual([{ n: dialect === 'postgres' ? '0' : 0 }]);
  });

  it('clears staff follow-up notes with the responses they followed up', async () => {
    await t.app.get(ImportFeedbackUseCase).run({
      source: 'cli',
      filename: 'low.csv',
      input: Readable.from([Buffer.from(csv(csvRow('ret-4', 'dora.low@example.com', OWN, 2, 'Dora Low', '', 'Slow', daysAgo(3), '', 'no')))]),
      actor: cliActor('test'),
    });
    const admin = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@staff.example.com', password: 'feedback-tests-password-1' } });
    const [{ id: alertId }] = await q(`SELECT a.id FROM detractor_alert a JOIN feedback_response f ON f.id = a.response_id WHERE f.response_id = 'ret-4'`);
    const resolved = await t.app.inject({ method: 'POST', url: `/api/alerts/${alertId}/resolve`, headers: { authorization: `Bearer ${admin.json().accessToken}` }, payload: { note: 'Called Dora, refunded' } });
    expect(resolved.statusCode).toBe(200);
    const note = async () => (await q('SELECT resolution_note FROM detractor_alert WHERE id = ?', [alertId]))[0].resolution_note;
    await sut.run(Date.now() + 20 * DAY); // the retention is 30 days since the test above
    expect(await note()).toBe('Called Dora, refunded');
    await sut.run(Date.now() + 31 * DAY);
    expect(await note()).toBeNull();
  });
});
