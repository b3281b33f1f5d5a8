import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { cliActor } from '../src/common/actor';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { StagedUploads } from '../src/feedback/staged-uploads';
import { ImportsRepository } from '../src/feedback/imports.repository';
import { JobQueue } from '../src/jobs/job-queue.service';
import { OutboxService } from '../src/jobs/outbox.service';
import { SEND_EMAIL_JOB } from '../src/notifications';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { waitFor } from './campaign-fixtures';
import { insertShare } from './factories/shares';
import { csv, csvRow, daysAgo, OWN, seedStaff, Staff } from './feedback-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';
import { whereStored } from './support/secret-scan';
import { outboxEmails } from './support/outbox';

const EMAIL = 'erin.quillfeather@example.com';
const NAME = 'Erin Quillfeather';
const PHONE = '+1-555-0199-88776';
const OTHER_EMAIL = 'olga.keepsakes@example.com';

/** Erin's history: a promoter response, then a detractor one (raises an alert that emails the manager her name and address). */
const ERIN = csv(
  csvRow('erase-1', EMAIL, OWN, 10, NAME, PHONE, 'Lovely staff, ask for Erin Quillfeather at the desk', daysAgo(20), '', 'yes'),
  csvRow('erase-2', EMAIL, OWN, 2, NAME, PHONE, 'Call me on +1-555-0199-88776', daysAgo(1), '', 'yes'),
  csvRow('keep-1', OTHER_EMAIL, OWN, 9, 'Olga Keepsakes', '+1-555-0100-11111', 'Fine', daysAgo(2), '', 'yes'),
);

/**
 * Both dialects, on Redis. Erasure (GDPR Art. 17) by staff and by the customer: afterwards no text or JSON
 * column of any table, no `.eml` file in the outbox folder and no Redis key under the app's prefix holds the
 * customer's email, name or phone; counts stay; re-imported rows are skipped as "erased on request".
 */
describe.each<Dialect>(['postgres', 'sqlite'])('erasure (%s)', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let staff: Staff;
  const importCsv = (text: string) =>
    t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'erin.csv', input: Readable.from([Buffer.from(text)]), actor: cliActor('test') });
  const outboxFiles = () => {
    return outboxEmails(t.config.dataDir).map((eml) => eml.replace(/=\r?\n/g, ''));
  };
  const redis = () => ({ url: t.config.redisUrl!, prefix: t.config.queuePrefix });
  const count = async (sql: string, params: unknown[] = []) => {
    let n = 0;
    const [row] = await db.query(dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
    return Number(Object.values(row)[0]);
  };

  beforeAll(async () => {
    t = await createTestApp({ dialect, redis: true });
    db = t.app.get(DataSource);
    staff = await seedStaff(t);
  });
  afterAll(() => t?.close());

  it('removes the email, name and phone from every table, the outbox files and Redis, and keeps the counts', async () => {
    const imported = await importCsv(ERIN);
    expect(imported).toMatchObject({ status: 'done', created: 3 });
    const [{ id: erinId }] = await db.query(dialect === 'postgres' ? 'SELECT id FROM customer WHERE email = $1' : 'SELECT id FROM customer WHERE email = ?', [EMAIL]);
    // The alert email to the manager (name and address: she consented) reaches the outbox folder.
    await waitFor(() => outboxFiles().some((f) => f.includes(EMAIL)), 'the detractor alert email');
    // Every email's footer links to the privacy page.
    expect(outboxFiles().find((f) => f.includes(EMAIL))).toContain(`${t.config.publicUrl}/privacy`);

    // A recommendation with its approval request, a pending email in the outbox table and a delayed job in Redis.
    const { recommendationId } = await insertShare(db, { customerId: erinId, locationId: (await db.query(`SELECT id FROM location WHERE code = '${OWN}'`))[0].id });
    await db.query(
      dialect === 'postgres'
        ? 'INSERT INTO recommendation_approval_request (recommendation_id, ip, user_agent) VALUES ($1, $2, $3)'
        : 'INSERT INTO recommendation_approval_request (recommendation_id, ip, user_agent) VALUES (?, ?, ?)',
      [recommendationId, '203.0.113.9', 'Mozilla/5.0 test'],
    );
    // Staff notes about her, written freely: a hide reason and a reward code's void reason that name her.
    const hidden = await t.app.inject({ method: 'POST', url: `/api/recommendations/${recommendationId}/hide`, headers: staff.marketer, payload: { reason: `${NAME} asked us to take it down` } });
    expect(hidden.statusCode).toBe(200);
    const campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers: staff.marketer, payload: { name: 'Thanks' } })).json().id;
    const offer = await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers: staff.marketer, payload: { description: 'a free car wash', budget: 5, codeSource: 'pool' } });
    expect(offer.statusCode).toBe(201);
    await db.getRepository(RewardCode).insert({ offerId: offer.json().id, code: 'ERIN-CODE-0001', status: 'issued', customerId: erinId, issuedAt: new Date() });
    const voided = await t.app.inject({ method: 'POST', url: '/api/rewards/codes/ERIN-CODE-0001/void', headers: staff.marketer, payload: { reason: `Given to ${NAME} twice` } });
    expect(voided.statusCode).toBe(200);
    const [{ id: alertId }] = await db.query('SELECT id FROM detractor_alert');
    const followedUp = await t.app.inject({ method: 'POST', url: `/api/alerts/${alertId}/resolve`, headers: staff.dealer, payload: { note: `Called ${NAME}: she comes back Tuesday` } });
    expect(followedUp.statusCode).toBe(200);
    const message = (subject: string) => ({ to: EMAIL, template: 'test', subject, context: { name: NAME, phone: PHONE }, kind: 'transactional' as const });
    await db.transaction((m) => t.app.get(OutboxService).add(m, SEND_EMAIL_JOB, message('later'), { delayMs: 3600_000 }));
    await t.app.get(JobQueue).enqueue(SEND_EMAIL_JOB, message('queued'), { delayMs: 3600_000 });
    for (const secret of [EMAIL, NAME, PHONE]) expect((await whereStored(db, secret, redis())).length).toBeGreaterThan(0);
    // Survey exports waiting for their mapping: one names her (saved by Excel as UTF-16, so only a reader that
    // decodes it finds her), one doesn't.
    const staged = t.app.get(StagedUploads);
    const uploader = { type: 'staff' as const, id: randomUUID() };
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`Email\tScore\r\n${EMAIL.toUpperCase()}\t3\r\n`, 'utf16le')]);
    const hers = await staged.save(Readable.from([utf16]), uploader, 'hers.txt');
    const others = await staged.save(Readable.from([Buffer.from(`Email,Score\n${OTHER_EMAIL},9\n`)]), uploader, 'others.csv');
    const responsesBefore = await count('SELECT count(*) FROM feedback_response');

    // Staff other than admins may not erase.
    const denied = await t.app.inject({ method: 'POST', url: '/api/customers/erase', headers: staff.marketer, payload: { email: EMAIL, deleteXPosts: true } });
    expect(denied.statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url: '/api/customers/erase', headers: staff.admin, payload: { email: ` ${EMAIL.toUpperCase()} `.trim(), deleteXPosts: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ customerId: erinId, recommendations: 1 });
    expect(res.json().outboxRows).toBeGreaterThanOrEqual(1);
    expect(res.json().queuedJobs).toBeGreaterThanOrEqual(1);
    expect(res.json().emailFiles).toBeGreaterThanOrEqual(1);
    expect(res.json().stagedUploads).toBe(1);
    expect(await staged.find(hers, uploader)).toBeNull();
    expect(await staged.find(others, uploader)).not.toBeNull();

    for (const secret of [EMAIL, NAME, PHONE]) {
      expect(await whereStored(db, secret, redis())).toEqual([]);
      expect(outboxFiles().filter((f) => f.toLowerCase().includes(secret.toLowerCase()))).toEqual([]);
    }
    // Counts and scores stay; the other customer is untouched.
    expect(await count('SELECT count(*) FROM feedback_response')).toBe(responsesBefore);
    expect(await count('SELECT count(*) FROM feedback_response WHERE customer_id = ? AND score = 2', [erinId])).toBe(1);
    expect(await count('SELECT count(*) FROM customer WHERE email = ?', [OTHER_EMAIL])).toBe(1);
    expect(await count(`SELECT count(*) FROM feedback_response WHERE name = 'Olga Keepsakes'`)).toBe(1);
    // Her code keeps its status; the notes about her are gone from the rows and were never in the audit log.
    expect(await db.getRepository(RewardCode).findOneByOrFail({ code: 'ERIN-CODE-0001' })).toMatchObject({ status: 'voided', voidReason: null });
    expect(await count(`SELECT count(*) FROM detractor_alert WHERE status = 'resolved' AND resolution_note IS NULL`)).toBe(1);
    expect(await count('SELECT count(*) FROM audit_event WHERE action IN (?, ?)', ['recommendation.hide', 'reward.void'])).toBe(2);
    // Audited with ids only.
    const [audit] = await db.query(`SELECT subject_id, details FROM audit_event WHERE action = 'customer.erase'`);
    expect(audit.subject_id).toBe(erinId);
    expect(JSON.stringify(audit.details)).not.toContain('@');
  });

  it('skips her rows when her feedback is imported again, reported as "erased on request", and never stores them', async () => {
    const again = await importCsv(ERIN);
    expect(again).toMatchObject({ status: 'done', rejected: 2 });
    const reasons = (await t.app.get(ImportsRepository).firstErrors(again.id, 10)).map((e) => e.reason);
    expect(reasons).toEqual(['erased on request', 'erased on request']);
    for (const secret of [EMAIL, NAME, PHONE]) expect(await whereStored(db, secret)).toEqual([]);
  });

  it('lets the customer erase herself from her preference page, after a confirmation step', async () => {
    const email = `self-${randomUUID().slice(0, 8)}@example.com`;
    await importCsv(csv(csvRow(`self-${randomUUID().slice(0, 8)}`, email, OWN, 10, 'Selma Selfservice', '+1-555-0123-45678', 'Great', daysAgo(3), '', 'yes')));
    const [{ id }] = await db.query(dialect === 'postgres' ? 'SELECT id FROM customer WHERE email = $1' : 'SELECT id FROM customer WHERE email = ?', [email]);
    const token = await t.app.get(PreferenceTokens).reveal(id);
    const browser = new FormBrowser(t.app);

    const page = await browser.get(`/preferences/${token}`);
    expect(page.body).toContain(`/preferences/${token}/erase`);
    expect(page.body).toContain('href="/privacy"');
    const erase = `/preferences/${token}/erase`;
    expect((await browser.get(erase)).statusCode).toBe(200);
    // Without ticking the box nothing happens.
    const unticked = await browser.submit(erase, erase, {});
    expect(unticked.statusCode).toBe(422);
    expect(await count('SELECT count(*) FROM customer WHERE email = ?', [email])).toBe(1);

    const done = await browser.submit(erase, erase, { confirm: 'erase' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your data is erased');
    expect(await whereStored(db, email, redis())).toEqual([]);
    expect(await whereStored(db, 'Selma Selfservice')).toEqual([]);
    // The link is revoked: the same friendly page as any unknown link.
    expect((await browser.get(`/preferences/${token}`)).statusCode).toBe(404);
  });

  it('lets an admin erase by address from the staff form, after ticking the confirmation', async () => {
    const email = `form-${randomUUID().slice(0, 8)}@example.com`;
    await importCsv(csv(csvRow(`form-${randomUUID().slice(0, 8)}`, email, OWN, 8, 'Frida Formfillington', '', 'Ok', daysAgo(3), '', 'no')));
    const admin = new FormBrowser(t.app);
    expect((await admin.signIn('admin@staff.example.com', 'feedback-tests-password-1')).statusCode).toBe(303);
    const unticked = await admin.submit('/dashboard/privacy', '/dashboard/privacy/erase', { email });
    expect(unticked.statusCode).toBe(422);
    expect(await count('SELECT count(*) FROM customer WHERE email = ?', [email])).toBe(1);
    const done = await admin.submit('/dashboard/privacy', '/dashboard/privacy/erase', { email, confirm: 'erase' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Erased:');
    expect(await whereStored(db, email)).toEqual([]);
    expect(await whereStored(db, 'Frida Formfillington')).toEqual([]);
  });
});
