import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Invitation } from '../src/invitations/invitation.entity';
import { InvitationTokens } from '../src/invitations/invitation-tokens.service';
import { OutboxMessage } from '../src/jobs/outbox-message.entity';
import { Recommendation } from '../src/recommendations/recommendation.entity';
import { RewardCode } from '../src/rewards/reward-code.entity';
import { ALL_DAY, seedCustomers, seedLocation, staffHeader, waitFor } from './campaign-fixtures';
import { createTestAppFromEnv, TestApp, testEnv } from './support/app';
import { NodeProcess } from './support/processes';
import { TestSmtpServer } from './support/smtp-server';

/**
 * Issue #16: a worker killed mid-issue. A real process approves with the reward accepted and is SIGKILLed
 * inside the transaction that emails the code; after a restart the code is emailed exactly once.
 * PostgreSQL with in-process jobs (the job outbox re-runs what a dead process left).
 */
describe('a process killed while it emails a reward code (PostgreSQL)', () => {
  let smtp: TestSmtpServer;
  let env: Record<string, string>;
  let schema: string | undefined;
  let t: TestApp;
  let child: NodeProcess | undefined;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    ({ env, schema } = testEnv({ dialect: 'postgres', env: { SMTP_URL: `${smtp.url}?pool=false` } }));
    t = await createTestAppFromEnv(env, schema);
  }, 60_000);
  afterAll(async () => {
    await child?.stop();
    await t?.close();
    await smtp?.close();
  });

  it('emails the code exactly once after the restart', async () => {
    const db = t.app.get(DataSource);
    const location = await seedLocation(t.app, 'KIL-1', 'Killed');
    const [customerId] = await seedCustomers(db, [{ email: 'kim@example.com', score: 10, consent: true, location }]);
    const { headers } = await staffHeader(t.app, 'marketer');
    const campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload: { name: 'Crash', sendingHours: ALL_DAY, channels: ['copy'] } })).json().id;
    expect((await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers, payload: { description: 'a coffee', budget: 5, codeSource: 'generated' } })).statusCode).toBe(201);
    const invitationId = randomUUID();
    await db.getRepository(Invitation).insert({ id: invitationId, campaignId, customerId, locationId: location.id, status: 'sent', sentAt: new Date() });
    const token = await t.app.get(InvitationTokens).issue(invitationId);
    await t.stop();

    child = new NodeProcess('test/fakes/reward-issue-crash-child.ts', { ...env, INVITATION_TOKEN: token });
    const exit = await child.exited;
    expect({ exit, stdout: child.stdout, stderr: child.stderr }).toEqual({ exit: { code: null, signal: 'SIGKILL' }, stdout: 'approved\nkilled mid-issue\n', stderr: '' });

    t = await createTestAppFromEnv(env, schema);
    const after = t.app.get(DataSource);
    // The approval committed with its code; the killed transaction left nothing.
    const recommendation = await after.getRepository(Recommendation).findOneByOrFail({ invitationId });
    const code = await after.getRepository(RewardCode).findOneByOrFail({ recommendationId: recommendation.id });
    expect(recommendation.text!.startsWith('I received a thank-you gift')).toBe(true);

    await smtp.waitFor(1, 20_000);
    await waitFor(async () => (await after.getRepository(OutboxMessage).findBy({ jobName: 'rewards.send-code' })).every((r) => r.completedAt !== null || r.dispatchedAt !== null), 'the job re-run');
    await waitFor(async () => (await after.getRepository(RewardCode).findOneByOrFail({ id: code.id })).emailedAt !== null, 'the code marked emailed');
    const emailJobs = (await after.getRepository(OutboxMessage).findBy({ jobName: 'notifications.send-email' })).filter((r) => (r.payload as { template?: string }).template === 'reward-code');
    expect(emailJobs).toHaveLength(1);
    await waitFor(async () => (await after.getRepository(OutboxMessage).findOneByOrFail({ id: emailJobs[0].id })).dispatchedAt !== null, 'the email job done');
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(['kim@example.com']);
    expect(smtp.messages[0].parsed.text).toContain(code.code);
  }, 90_000);
});
