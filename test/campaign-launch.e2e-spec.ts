import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CampaignTick } from '../src/campaigns/campaign-tick';
import { Location } from '../src/locations/location.entity';
import { MessageLedger } from '../src/invitations/message-ledger.repository';
import { dbTime } from '../src/database/sql';
import { SuppressionList } from '../src/preferences/suppression-list.service';
import { ALL_DAY, DAY, linkIn, pathOf, rawHeader, seedCustomers, seedLocation, sendsRecorded, staffHeader } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';
import { ReceivedEmail, TestSmtpServer } from './support/smtp-server';

/**
 * Both dialects (SQLite with in-process jobs, PostgreSQL with in-process jobs here; the multi-worker
 * PostgreSQL + Redis path is campaign-concurrency) with a real SMTP server on loopback: a campaign on
 * demo-like data invites exactly the right people, the dry run explains everyone else once, the
 * email is personal and carries RFC 8058 one-click unsubscribe, opening is recorded, the reminder
 * goes only to non-openers and counts toward the cap.
 */
describe.each<Dialect>(['sqlite', 'postgres'])('campaign launch (%s)', (dialect) => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let db: DataSource;
  let admin: { email: string; headers: Record<string, string> };
  let downtown: Location;
  let riverside: Location;
  let elsewhere: Location;
  let campaignId: string;
  let anaLink: string;
  const ids: Record<string, string> = {};

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, payload, headers: admin.headers });
  const to = (message: ReceivedEmail) => message.envelope.to[0];
  /** Raw SQL with `?` placeholders in either dialect. */
  const query = (sql: string, params: unknown[] = []) => {
    let n = 0;
    return db.query(dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql, params);
  };
  const byRecipient = (address: string) => smtp.messages.filter((m) => to(m) === address);

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await createTestApp({ dialect, env: { SMTP_URL: `${smtp.url}?pool=false` } });
    db = t.app.get(DataSource);
    admin = await staffHeader(t.app, 'admin');
    downtown = await seedLocation(t.app, 'DLR-001', 'Springfield Motors Downtown', 'America/Chicago');
    riverside = await seedLocation(t.app, 'DLR-002', 'Springfield Motors Riverside', 'Europe/Lisbon');
    elsewhere = await seedLocation(t.app, 'DLR-003', 'Capital City', 'UTC');

    const [ana, ben, cara, dev, eli, fay, gus, hana, ivan, jo] = await seedCustomers(db, [
      { email: 'ana@example.com', name: 'Ana Silva', score: 10, consent: true, location: downtown, comment: 'Great service <script>alert(1)</script> & a fair price' },
      { email: 'ben@example.com', name: 'Ben', score: 9, consent: true, location: riverside, comment: 'Quick and friendly.' },
      { email: 'cara@example.com', score: 10, consent: false, location: downtown },
      { email: 'dev@example.com', score: 10, consent: true, location: downtown },
      { email: 'eli@example.com', score: 9, consent: true, location: riverside },
      { email: 'fay@example.com', score: 9, consent: true, location: riverside },
      { email: 'gus@example.com', score: 10, consent: true, location: downtown, daysAgo: 200 },
      { email: 'hana@example.com', score: 8, consent: true, location: downtown },
      { email: 'ivan@example.com', score: 3, consent: true, location: riverside },
      { email: 'jo@example.com', score: 10, consent: true, location: elsewhere },
    ]);
    Object.assign(ids, { ana, ben, cara, dev, eli, fay, gus, hana, ivan, jo });

    // dev opted out earlier; eli already got two marketing messages this month (another campaign).
    await db.transaction((manager) => t.app.get(SuppressionList).add(manager, dev, 'dev@example.com', 'one_click'));
    const other = randomUUID();
    for (const kind of ['invitation', 'reminder'] as const) {
      await db.transaction((m) =>
        t.app.get(MessageLedger).claimMessageSlots(m, [{ customerId: eli, campaignId: other, invitationId: randomUUID(), kind }], 2, new Date(Date.now() - 5 * DAY)),
      );
    }

    const created = await api('POST', '/api/campaigns', {
      name: 'Spring advocates',
      locations: ['DLR-001', 'DLR-002'],
      minScore: 9,
      lookBackDays: 90,
      channels: ['x', 'email', 'copy'],
      prompt: 'What would you tell a friend?',
      promptOverrides: { 'DLR-002': 'How was Riverside?' },
      sendingHours: ALL_DAY,
      reminderAfterDays: 3,
    });
    expect(created.statusCode).toBe(201);
    campaignId = created.json().id;
    expect(created.json()).toMatchObject({
      status: 'draft',
      locations: ['DLR-001', 'DLR-002'],
      promptOverrides: { 'DLR-002': 'How was Riverside?' },
      sendingHours: ALL_DAY,
      reminderAfterDays: 3,
      rewardOffer: null,
    });
    // fay was invited to this campaign already (say, by an earlier run before a pause).
    await query(`INSERT INTO invitation (id, campaign_id, customer_id, location_id, status, created_at) VALUES (?, ?, ?, ?, 'cancelled', ?)`, [
      randomUUID(),
      campaignId,
      fay,
      riverside.id,
      dbTime(dialect, new Date()),
    ]);
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('dry run: counts who would be invited, and each excluded customer once under the first reason', async () => {
    const res = await api('POST', `/api/campaigns/${campaignId}/dry-run`);
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.totals).toEqual({ invite: 2, noEmail: 0, noConsent: 1, suppressed: 1, overCap: 1, alreadyInvited: 1, outsideWindow: 1 });
    expect(report.locations).toEqual([
      { code: 'DLR-001', name: 'Springfield Motors Downtown', invite: 1, noEmail: 0, noConsent: 1, suppressed: 1, overCap: 0, alreadyInvited: 0, outsideWindow: 1 },
      { code: 'DLR-002', name: 'Springfield Motors Riverside', invite: 1, noEmail: 0, noConsent: 0, suppressed: 0, overCap: 1, alreadyInvited: 1, outsideWindow: 0 },
    ]);
    const csv = await api('POST', `/api/campaigns/${campaignId}/dry-run?format=csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toBe('code,name,invite,noEmail,noConsent,suppressed,overCap,alreadyInvited,outsideWindow');
  });

  it('a customer excluded for several reasons is counted under the first only', async () => {
    // No consent AND suppressed AND outside the window: counted as "no consent" only.
    const [kim] = await seedCustomers(db, [{ email: 'kim@example.com', score: 10, consent: false, location: downtown, daysAgo: 300 }]);
    await db.transaction((m) => t.app.get(SuppressionList).add(m, kim, 'kim@example.com', 'preferences'));
    // A promoter who gave no address (and consent): counted as "no email" only, and never invited.
    const [anonymous] = await seedCustomers(db, [{ email: null, score: 10, consent: true, location: downtown }]);
    const report = (await api('POST', `/api/campaigns/${campaignId}/dry-run`)).json();
    expect(report.totals).toEqual({ invite: 2, noEmail: 1, noConsent: 2, suppressed: 1, overCap: 1, alreadyInvited: 1, outsideWindow: 1 });
    await query('DELETE FROM customer WHERE id = ?', [kim]);
    ids.anonymous = anonymous; // stays: the launch below must not try to invite them
  });

  it('a test send reaches a staff address only and counts toward nothing', async () => {
    const refused = await api('POST', `/api/campaigns/${campaignId}/test-send`, { email: 'ana@example.com' });
    expect(refused.statusCode).toBe(400);
    const res = await api('POST', `/api/campaigns/${campaignId}/test-send`, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sentTo: admin.email });
    const [message] = await smtp.waitFor(1);
    expect(to(message)).toBe(admin.email);
    expect(message.parsed.subject).toMatch(/^\[Test\] Alex, would you put in a good word for Springfield Motors Downtown\?$/);
    expect(rawHeader(message.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const [{ n }] = await db.query('SELECT count(*) AS n FROM marketing_message');
    expect(Number(n)).toBe(2); // only eli's two from the other campaign

    // Its link opens the campaign's real page, marked as a test, where nothing can be approved or counted.
    const link = pathOf(/https?:\/\/\S+\/i\/t1\.[A-Za-z0-9_.-]+/.exec(message.parsed.text!)![0]);
    const browser = new FormBrowser(t.app);
    const page = await browser.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Test invitation.');
    expect(page.body).toContain('Springfield Motors Downtown');
    const preview = await browser.post(`${link}/preview`, { text: 'A test of the page, nothing more.', channels: ['copy'] });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('A test can’t be approved.');
    expect(preview.body).not.toContain(`action="${link}/approve"`);
    const approve = await browser.post(`${link}/approve`, { text: 'A test of the page, nothing more.', channels: ['copy'], confirm: 'yes' });
    expect(approve.statusCode).toBe(403);
    expect(approve.body).toContain('This is a test invitation');
    const counts = await query("SELECT (SELECT count(*) FROM recommendation) AS r, (SELECT count(*) FROM invitation WHERE opened_at IS NOT NULL) AS o");
    expect(counts.map((c: { r: unknown; o: unknown }) => [Number(c.r), Number(c.o)])).toEqual([[0, 0]]);
    // Altered, it is no link at all.
    const tampered = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await t.app.inject({ method: 'GET', url: tampered })).statusCode).toBe(404);
    smtp.clear();
  });

  it('launch invites exactly the eligible customers, once each, with a personal one-click email', async () => {
    const res = await api('POST', `/api/campaigns/${campaignId}/launch`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'running', launchedAt: expect.any(String) });
    expect((await api('POST', `/api/campaigns/${campaignId}/launch`)).statusCode).toBe(409);

    const messages = await smtp.waitFor(2);
    await sendsRecorded(db);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing else may arrive
    expect(smtp.messages.map(to).sort()).toEqual(['ana@example.com', 'ben@example.com']);

    const [ana] = byRecipient('ana@example.com');
    const { parsed } = ana;
    expect(parsed.subject).toBe('Ana, would you put in a good word for Springfield Motors Downtown?');
    const unsubscribe = String(rawHeader(ana.raw, 'List-Unsubscribe'));
    expect(unsubscribe).toMatch(new RegExp(`^<${t.config.publicUrl}/preferences/[A-Za-z0-9_-]{43}/unsubscribe>$`));
    expect(unsubscribe).toMatch(/^<https?:\/\//);
    expect(rawHeader(ana.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(parsed.text).toContain('Hi Ana,');
    expect(parsed.text).toContain('Springfield Motors Downtown');
    expect(parsed.text).toContain('Great service <script>alert(1)</script> & a fair price');
    expect(parsed.text).toContain(t.config.brandPostalAddress);
    const html = String(parsed.html);
    expect(html).toContain('Great service &lt;script&gt;alert(1)&lt;/script&gt; &amp; a fair price');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Hi Ana,');
    expect(html).toContain(t.config.brandPostalAddress);
    expect(parsed.text).not.toMatch(/review/i); // principle 5: no review-site links in the invitation flow
    expect(messages.find((m) => to(m) === 'ben@example.com')!.parsed.text).toContain('Quick and friendly.');

    const rows = await query(`SELECT customer_id, status, sent_at FROM invitation WHERE campaign_id = ? AND status = 'sent'`, [campaignId]);
    expect(rows.map((r: { customer_id: string }) => r.customer_id).sort()).toEqual([ids.ana, ids.ben].sort());
    const tokens = await db.query('SELECT token_hash FROM invitation_token');
    expect(tokens).toHaveLength(2);
    expect(JSON.stringify(tokens)).not.toContain(pathOf(linkIn(parsed.text!, 'i')).split('/')[2]);
  });

  it('funnel: eligible, invited, delivered, opened; the invitation page records the first visit', async () => {
    const before = (await api('GET', `/api/campaigns/${campaignId}/funnel`)).json();
    expect(before).toMatchObject({ eligible: 2, invited: 2, delivered: 2, opened: 0, approved: 0, shared: 0 });

    const link = (anaLink = linkIn(byRecipient('ana@example.com')[0].parsed.text!, 'i'));
    const page = await t.app.inject({ method: 'GET', url: pathOf(link), headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('Thank you, Ana');
    expect(page.body).toContain('What would you tell a friend?');
    expect(page.body).toContain('Great service &lt;script&gt;');
    await t.app.inject({ method: 'GET', url: pathOf(link) });

    const after = (await api('GET', `/api/campaigns/${campaignId}/funnel`)).json();
    expect(after).toMatchObject({ eligible: 2, invited: 2, delivered: 2, opened: 1, reminded: 0 });
    expect(after.locations).toEqual([
      expect.objectContaining({ code: 'DLR-001', invited: 1, delivered: 1, opened: 1 }),
      expect.objectContaining({ code: 'DLR-002', invited: 1, delivered: 1, opened: 0 }),
    ]);
    const csv = await api('GET', `/api/campaigns/${campaignId}/funnel?format=csv`);
    expect(csv.body.split('\n')[0]).toBe('code,name,eligible,invited,delivered,opened,reminded,approved,shared');
  });

  it('the reminder goes only to those who did not open, once, and counts toward the cap', async () => {
    smtp.clear();
    const tick = t.app.get(CampaignTick);
    await tick.run(new Date(Date.now() + 2 * DAY)); // too early: nothing
    await tick.run(new Date(Date.now() + 4 * DAY));
    const [reminder] = await smtp.waitFor(1);
    await sendsRecorded(db);
    await tick.run(new Date(Date.now() + 5 * DAY)); // not again
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages).toHaveLength(1);
    expect(to(reminder)).toBe('ben@example.com');
    expect(reminder.parsed.subject).toBe('A reminder: your good word for Springfield Motors Riverside');
    expect(rawHeader(reminder.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // The reminder's own link opens the same invitation.
    const page = await t.app.inject({ method: 'GET', url: pathOf(linkIn(reminder.parsed.text!, 'i')) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('How was Riverside?');

    const ledger = await query('SELECT customer_id, kind FROM marketing_message WHERE campaign_id = ? ORDER BY kind', [campaignId]);
    expect(ledger).toEqual([
      { customer_id: expect.any(String), kind: 'invitation' },
      { customer_id: expect.any(String), kind: 'invitation' },
      { customer_id: ids.ben, kind: 'reminder' },
    ]);
    expect((await api('GET', `/api/campaigns/${campaignId}/funnel`)).json()).toMatchObject({ reminded: 1 });

    // ben has had 2 marketing messages: a second campaign can't reach him; ana (1) still can.
    const second = await api('POST', '/api/campaigns', { name: 'Second', sendingHours: ALL_DAY });
    const secondId = second.json().id;
    const dry = (await api('POST', `/api/campaigns/${secondId}/dry-run`)).json();
    // ana (1 message), fay (her earlier invitation was cancelled, never sent) and jo (DLR-003) are invited;
    // ben (invitation + reminder) and eli are over the cap.
    expect(dry.totals).toMatchObject({ invite: 3, overCap: 2 });
    smtp.clear();
    await api('POST', `/api/campaigns/${secondId}/launch`);
    await smtp.waitFor(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.messages.map(to).sort()).toEqual(['ana@example.com', 'fay@example.com', 'jo@example.com']);
    expect((await api('POST', `/api/campaigns/${secondId}/end`)).statusCode).toBe(200);
  });

  it('pause, resume and end; an ended campaign cannot change and its links stop working', async () => {
    expect((await api('POST', `/api/campaigns/${campaignId}/resume`)).statusCode).toBe(409);
    const paused = await api('POST', `/api/campaigns/${campaignId}/pause`);
    expect(paused.json().status).toBe('paused');
    expect((await api('POST', `/api/campaigns/${campaignId}/resume`)).json().status).toBe('running');
    const ended = await api('POST', `/api/campaigns/${campaignId}/end`);
    expect(ended.json()).toMatchObject({ status: 'ended', endedAt: expect.any(String) });
    expect((await api('PATCH', `/api/campaigns/${campaignId}`, { name: 'x' })).statusCode).toBe(409);
    expect((await api('POST', `/api/campaigns/${campaignId}/pause`)).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'GET', url: pathOf(anaLink) })).statusCode).toBe(404);
    const audit = await query(`SELECT action, actor_type, details FROM audit_event WHERE subject_id = ? ORDER BY created_at`, [campaignId]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['campaign.create', 'campaign.test_send', 'campaign.launch', 'campaign.pause', 'campaign.resume', 'campaign.end']),
    );
    expect(JSON.stringify(audit)).not.toMatch(/@/);
  });

  it('validates campaigns', async () => {
    const bad = await api('POST', '/api/campaigns', { name: '', minScore: 8, channels: ['myspace'], sendingHours: { from: 25, to: 3 }, locations: ['NOPE-1'] });
    expect(bad.statusCode).toBe(400);
    const unknown = await api('POST', '/api/campaigns', { name: 'x', locations: ['NOPE-1'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toEqual(['No location with code NOPE-1']);
    const dates = await api('POST', '/api/campaigns', { name: 'x', startsAt: '2027-01-02T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' });
    expect(dates.json().message).toEqual(['endsAt must be after startsAt']);
    expect((await api('GET', '/api/campaigns/not-a-uuid')).statusCode).toBe(404);
    const list = await api('GET', '/api/campaigns?format=csv');
    expect(list.body.split('\n')[0]).toBe('id,name,status,locations,minScore,lookBackDays,channels,startsAt,endsAt,reminderAfterDays,launchedAt,endedAt,createdAt');
  });
});
