import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Invitation } from '../src/invitations/invitation.entity';
import { InvitationTokens } from '../src/invitations/invitation-tokens.service';
import { RewardOffer } from '../src/rewards/reward-offer.entity';
import { RewardBudgetAlert } from '../src/rewards/reward-budget-alert';
import { UsersService } from '../src/users/users.service';
import { ALL_DAY, PASSWORD, seedCustomers, seedLocation, setup, staffHeader, waitFor } from './campaign-fixtures';
import { createTestApp, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';
import { TestSmtpServer } from './support/smtp-server';

/** Issue #16 step 5: marketers get one email when an offer falls below 10% and one when it is spent. */
describe('reward budget alerts (SQLite, in-process jobs)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let db: DataSource;
  let campaignId: string;
  const invites: string[] = [];

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect: 'sqlite', env: { SMTP_URL: `${smtp.url}?pool=false`, PUBLIC_URL: 'https://advocates.example.com' } });
    db = t.app.get(DataSource);
    const marketer = (await staffHeader(t.app, 'marketer')).headers;
    const users = t.app.get(UsersService);
    await users.create(setup, { email: 'second.marketer@example.com', role: 'marketer', password: PASSWORD });
    const gone = await users.create(setup, { email: 'gone.marketer@example.com', role: 'marketer', password: PASSWORD });
    await users.update(setup, gone.user.id, { active: false });
    await users.create(setup, { email: 'an.admin@example.com', role: 'admin', password: PASSWORD });
    const location = await seedLocation(t.app, 'DLR-001', 'Downtown');
    const ids = await seedCustomers(db, [0, 1, 2, 3].map((i) => ({ email: `adv${i}@example.com`, score: 10, consent: true, location })));
    campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers: marketer, payload: { name: 'Wash round', sendingHours: ALL_DAY } })).json().id;
    for (const customerId of ids) {
      const id = randomUUID();
      await db.getRepository(Invitation).insert({ id, campaignId, customerId, locationId: location.id, status: 'sent', sentAt: new Date() });
      invites.push(`/i/${await t.app.get(InvitationTokens).issue(id)}`);
    }
    await t.app.inject({ method: 'POST', url: `/api/campaigns/${campaignId}/reward-offer`, headers: marketer, payload: { description: 'a free car wash', budget: 20, codeSource: 'generated' } });
    // As if 17 codes had gone out already.
    await db.getRepository(RewardOffer).update({ campaignId }, { reserved: 17 });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function approve(i: number) {
    const browser = new FormBrowser(t.app);
    await browser.get(invites[i]);
    expect((await browser.post(`${invites[i]}/approve`, { text: `Advocate ${i}: good.`, channels: ['x'], reward: 'yes', confirm: 'yes' })).statusCode).toBe(303);
  }
  const alerts = () => smtp.messages.filter((m) => /^Rewards (running low|spent):/.test(m.parsed.subject ?? ''));
  const codeEmails = () => smtp.messages.filter((m) => (m.parsed.subject ?? '').startsWith('Your thank-you'));

  it('says nothing while 10% or more is left', async () => {
    await approve(0); // 18 of 20: 2 left, exactly 10%
    await waitFor(() => codeEmails().length === 1, 'the code email');
    expect(await t.app.get(RewardBudgetAlert).execute((await db.getRepository(RewardOffer).findOneByOrFail({ campaignId })).id)).toBeNull();
    expect(alerts()).toEqual([]);
  });

  it('emails every active marketer once when it falls below 10%, and once more when it is spent', async () => {
    await approve(1); // 19 of 20: below 10%
    await waitFor(() => alerts().length === 2, 'the low alerts');
    // The active marketers: not the admin, not the deactivated marketer.
    expect(alerts().map((m) => m.envelope.to[0]).sort()).toEqual([expect.stringMatching(/^marketer-.+@staff\.example\.com$/), 'second.marketer@example.com']);
    expect(alerts()[0].parsed.subject).toBe('Rewards running low: Wash round');
    expect(alerts()[0].parsed.text).toContain('running low: 1 codes left (19 of 20 issued)');
    expect(alerts()[0].parsed.text).toContain(`https://advocates.example.com/dashboard/campaigns/${campaignId}/reward`);
    const offerId = (await db.getRepository(RewardOffer).findOneByOrFail({ campaignId })).id;
    expect(await t.app.get(RewardBudgetAlert).execute(offerId)).toBeNull(); // a second run of the job

    await approve(2); // 20 of 20: spent
    await waitFor(() => alerts().length === 4, 'the spent alerts');
    expect(alerts().slice(2).map((m) => m.parsed.subject)).toEqual(['Rewards spent: Wash round', 'Rewards spent: Wash round']);
    expect(alerts()[2].parsed.text).toContain('is spent: 20 of 20 codes issued. Advocates are no longer offered it.');
    expect(await t.app.get(RewardBudgetAlert).execute(offerId)).toBeNull();
    await waitFor(() => codeEmails().length === 3, 'the code emails');
    expect(alerts()).toHaveLength(4);
  });

  it('may tell them again after the budget was raised', async () => {
    const marketer = (await staffHeader(t.app, 'marketer')).headers;
    expect((await t.app.inject({ method: 'PATCH', url: `/api/campaigns/${campaignId}/reward-offer`, headers: marketer, payload: { budget: 21 } })).statusCode).toBe(200);
    expect(await db.getRepository(RewardOffer).findOneByOrFail({ campaignId })).toMatchObject({ lowAlertedAt: null, outAlertedAt: null });
  });
});
