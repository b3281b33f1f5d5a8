import { INestApplicationContext } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/load-config';
import { Invitation } from '../src/invitations/invitation.entity';
import { InvitationTokens } from '../src/invitations/invitation-tokens.service';
import { OutboxMessage } from '../src/jobs/outbox-message.entity';
import { OutboxService } from '../src/jobs/outbox.service';
import { PreferenceTokens } from '../src/preferences/preference-tokens.service';
import { Recommendation } from '../src/recommendations/recommendation.entity';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { RewardOffer } from '../src/rewards/reward-offer.entity';
import { SendRewardCode } from '../src/rewards/send-reward-code';
import { startWorker } from '../src/worker';
import { ALL_DAY, rawHeader, seedCustomers, seedLocation, staffHeader, waitFor } from './campaign-fixtures';
import { createTestApp, TestApp, testEnv } from './support/app';
import { deleteRedisKeys, dropSchema } from './support/database';
import { decodeHtml, FormBrowser } from './support/form-browser';
import { TestSmtpServer } from './support/smtp-server';

const PUBLIC_URL = 'https://advocates.example.com';

/** A campaign with one invitation per person and a reward offer; answers the invitation paths by person. */
async function setUp(app: NestFastifyApplication, people: string[], offer: object) {
  const db = app.get(DataSource);
  const marketer = (await staffHeader(app, 'marketer')).headers;
  const location = await seedLocation(app, 'DLR-001', 'Downtown Motors');
  const ids = await seedCustomers(db, people.map((p) => ({ email: `${p}@example.com`, name: `${p} Ode`, score: 10, consent: true, location })));
  const campaignId = (await app.inject({ method: 'POST', url: '/api/campaigns', headers: marketer, payload: { name: 'Thanks', sendingHours: ALL_DAY } })).json().id;
  const invites = new Map<string, string>();
  const customers = new Map<string, string>();
  for (const [i, who] of people.entries()) {
    const invitationId = randomUUID();
    await db.getRepository(Invitation).insert({ id: invitationId, campaignId, customerId: ids[i], locationId: location.id, status: 'sent', sentAt: new Date() });
    invites.set(who, `/i/${await app.get(InvitationTokens).issue(invitationId)}`);
    customers.set(who, ids[i]);
  }
  const res = await app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers: marketer, payload: offer });
  expect(res.statusCode).toBe(201);
  return { db, campaignId, invites, customers };
}

async function approveWithReward(app: NestFastifyApplication, invite: string, text: string) {
  const browser = new FormBrowser(app);
  await browser.get(invite);
  return browser.post(`${invite}/approve`, { text, channels: ['x'], reward: 'yes', confirm: 'yes' });
}

const rewardEmailJobs = (db: DataSource) =>
  db.getRepository(OutboxMessage).findBy({ jobName: 'notifications.send-email' }).then((rows) => rows.filter((r) => (r.payload as { template?: string }).template === 'reward-code'));

/** Issue #16 step 3: the code reaches the customer once, by a transactional email and on their preference page. */
describe('reward codes by email and on the preference page (SQLite, in-process jobs)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect: 'sqlite', env: { SMTP_URL: `${smtp.url}?pool=false`, PUBLIC_URL } });
    ctx = await setUp(t.app, ['ann', 'bob'], { description: 'a free car wash', terms: 'Any branch, Mon-Fri.', expiresAt: '2030-06-30T00:00:00Z', budget: 10, codeSource: 'generated', codePrefix: 'WASH' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('emails the code once, as a transactional email that doesn’t count toward the cap', async () => {
    expect((await approveWithReward(t.app, ctx.invites.get('ann')!, 'Ann: spotless.')).statusCode).toBe(303);
    const [message] = await smtp.waitFor(1);
    const code = await ctx.db.getRepository(RewardCode).findOneByOrFail({ customerId: ctx.customers.get('ann')! });
    expect(message.envelope.to).toEqual(['ann@example.com']);
    expect(message.parsed.subject).toBe('Your thank-you: a free car wash');
    expect(message.parsed.text).toContain(`Your code: ${code.code}`);
    expect(message.parsed.text).toContain('Valid until 2030-06-30.');
    expect(message.parsed.text).toContain('Terms: Any branch, Mon-Fri.');
    const prefToken = await t.app.get(PreferenceTokens).reveal(ctx.customers.get('ann')!);
    expect(message.parsed.text).toContain(`${PUBLIC_URL}/preferences/${prefToken}/rewards`);
    expect(rawHeader(message.raw, 'List-Unsubscribe')).toBeUndefined();
    expect(Number((await ctx.db.query(`SELECT count(*) AS n FROM marketing_message WHERE customer_id = ?`, [ctx.customers.get('ann')]))[0].n)).toBe(0);
    expect((await ctx.db.getRepository(RewardCode).findOneByOrFail({ id: code.id })).emailedAt).not.toBeNull();

    // The job again (a retry, a second worker): nothing more is sent.
    expect(await t.app.get(SendRewardCode).execute(code.id)).toBe(false);
    expect(await rewardEmailJobs(ctx.db)).toHaveLength(1);
    // The job data never held the code in the clear.
    expect(JSON.stringify((await rewardEmailJobs(ctx.db))[0].payload)).not.toContain(code.code);
  });

  it('shows the codes with terms and expiry on the preference page', async () => {
    const token = await t.app.get(PreferenceTokens).reveal(ctx.customers.get('ann')!);
    expect((await new FormBrowser(t.app).get(`/preferences/${token}`)).body).toContain(`href="/preferences/${token}/rewards"`);
    const page = decodeHtml((await new FormBrowser(t.app).get(`/preferences/${token}/rewards`)).body);
    const code = await ctx.db.getRepository(RewardCode).findOneByOrFail({ customerId: ctx.customers.get('ann')! });
    expect(page).toContain(`<strong class="reward-code">${code.code}</strong> <span class="badge">Ready to use</span>`);
    expect(page).toContain('Valid until 2030-06-30.');
    expect(page).toContain('Terms: Any branch, Mon-Fri.');
    expect((await new FormBrowser(t.app).get(`/preferences/${'x'.repeat(43)}/rewards`)).body).not.toContain('reward-code');
  });

  it('a try that dies halfway leaves nothing half-done: the next try sends the one email', async () => {
    const outbox = t.app.get(OutboxService);
    const realAdd = outbox.add.bind(outbox);
    // Stop the in-process job from running first, so this test drives the job itself.
    const spy = jest.spyOn(outbox, 'add').mockImplementation(async (manager, job, data, opts) => {
      if (job.name === 'rewards.send-code') return 'held';
      return realAdd(manager, job, data, opts);
    });
    try {
      expect((await approveWithReward(t.app, ctx.invites.get('bob')!, 'Bob: good.')).statusCode).toBe(303);
      const code = await ctx.db.getRepository(RewardCode).findOneByOrFail({ customerId: ctx.customers.get('bob')! });
      spy.mockImplementationOnce(async () => {
        throw new Error('worker died');
      });
      await expect(t.app.get(SendRewardCode).execute(code.id)).rejects.toThrow('worker died');
      expect((await ctx.db.getRepository(RewardCode).findOneByOrFail({ id: code.id })).emailedAt).toBeNull();
      expect(await t.app.get(SendRewardCode).execute(code.id)).toBe(true);
      expect(await t.app.get(SendRewardCode).execute(code.id)).toBe(false);
    } finally {
      spy.mockRestore();
    }
    await smtp.waitFor(2);
    expect(smtp.messages.filter((m) => m.envelope.to[0] === 'bob@example.com')).toHaveLength(1);
    expect(await rewardEmailJobs(ctx.db)).toHaveLength(2);
  });
});

describe('issuing under a race: two API processes, two workers (PostgreSQL + Redis)', () => {
  const N = 12;
  const BUDGET = 5;
  let smtp: TestSmtpServer;
  let schema: string;
  let queuePrefix: string;
  let apis: NestFastifyApplication[] = [];
  let workers: INestApplicationContext[] = [];
  let ctx: Awaited<ReturnType<typeof setUp>>;
  const people = Array.from({ length: N }, (_, i) => `racer${i}`);

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    let env: Record<string, string>;
    ({ env, schema } = testEnv({ dialect: 'postgres', redis: true, env: { SMTP_URL: smtp.url, PUBLIC_URL } }) as { env: Record<string, string>; schema: string });
    queuePrefix = env.QUEUE_PREFIX;
    for (let i = 0; i < 2; i++) {
      const api = await createApp(loadConfig({ ...env, GOODWORD_ROLE: 'api' }));
      await api.init();
      await api.getHttpAdapter().getInstance().ready();
      apis.push(api);
    }
    workers = await Promise.all([1, 2].map(() => startWorker(loadConfig({ ...env, GOODWORD_ROLE: 'worker' }))));
    ctx = await setUp(apis[0], people, { description: 'a coffee', budget: BUDGET, codeSource: 'generated' });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(apis.map((a) => a.close()));
    await smtp?.close();
    if (schema) await dropSchema(schema);
    if (queuePrefix) await deleteRedisKeys(`${queuePrefix}:*`);
  }, 60_000);

  it('never issues more than the budget nor two codes to one customer; every disclosed text has its code; each code is emailed once', async () => {
    const answers = await Promise.all(people.map((who, i) => approveWithReward(apis[i % 2], ctx.invites.get(who)!, `${who}: lovely.`)));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 303)).toHaveLength(BUDGET);
    expect(statuses.filter((s) => s === 409)).toHaveLength(N - BUDGET);

    const offer = await ctx.db.getRepository(RewardOffer).findOneByOrFail({ campaignId: ctx.campaignId });
    expect(offer.reserved).toBe(BUDGET);
    const codes = await ctx.db.getRepository(RewardCode).findBy({ offerId: offer.id });
    expect(codes).toHaveLength(BUDGET);
    expect(new Set(codes.map((c) => c.customerId)).size).toBe(BUDGET);
    const recommendations = await ctx.db.getRepository(Recommendation).findBy({ campaignId: ctx.campaignId });
    // Those refused approved nothing; those approved carry the disclosure and own the code.
    expect(recommendations).toHaveLength(BUDGET);
    expect(recommendations.every((r) => r.rewardAccepted && r.text!.startsWith('I received a thank-you gift'))).toBe(true);
    expect(new Set(codes.map((c) => c.recommendationId))).toEqual(new Set(recommendations.map((r) => r.id)));

    // Every worker runs every code's job a few more times at once: still one email job per code.
    const runs = await Promise.all(workers.flatMap((w) => codes.flatMap((c) => [1, 2, 3].map(() => w.get(SendRewardCode).execute(c.id)))));
    expect(runs.filter(Boolean).length).toBeLessThanOrEqual(BUDGET);
    await waitFor(async () => (await ctx.db.getRepository(RewardCode).findBy({ offerId: offer.id })).every((c) => c.emailedAt !== null), 'every code emailed');
    expect(await rewardEmailJobs(ctx.db)).toHaveLength(BUDGET);
    // (The marketer also hears that the budget is spent: not a code email.)
    const codeEmails = () => smtp.messages.filter((m) => (m.parsed.subject ?? '').startsWith('Your thank-you'));
    await waitFor(() => codeEmails().length >= BUDGET, 'the code emails', 20_000);
    await waitFor(async () => (await rewardEmailJobs(ctx.db)).every((r) => r.completedAt !== null), 'every email job ended');
    expect(codeEmails()).toHaveLength(BUDGET);
    expect(new Set(codeEmails().map((m) => m.envelope.to[0])).size).toBe(BUDGET);
  }, 60_000);
});
