import { DataSource } from 'typeorm';
import { AuditChain } from '../src/audit/audit-chain';
import { AuditService } from '../src/audit/audit.service';
import { cliActor } from '../src/common/actor';
import { Readable } from 'node:stream';
import { ImportFeedbackUseCase } from '../src/feedback/import-feedback.use-case';
import { UsersService } from '../src/users/users.service';
import { seedLocation, staffHeader } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

/** Issue #17 (audit): staff changes land in an append-only log, sealed into a hash chain that names the first row that doesn't fit. */
describe.each<Dialect>(['postgres', 'sqlite'])('audit log on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let chain: AuditChain;
  let admin: Record<string, string>;
  let marketer: Record<string, string>;
  let marketerId: string;
  let campaignId: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    chain = t.app.get(AuditChain);
    await chain.onModuleDestroy(); // stops the timer's sealing: these tests count what each call seals
    admin = (await staffHeader(t.app, 'admin')).headers;
    const m = await staffHeader(t.app, 'marketer');
    marketer = m.headers;
    marketerId = (await t.app.get(UsersService).findByEmail(m.email))!.id;
    await seedLocation(t.app, 'DLR-001', 'Downtown');
    campaignId = (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers: marketer, payload: { name: 'Audited round' } })).json().id;
    await t.app.inject({ method: 'PATCH', url: `/api/campaigns/${campaignId}`, headers: marketer, payload: { name: 'Audited round 2' } });
  });
  afterAll(() => t.close());

  const list = (query: string, headers = admin) => t.app.inject({ method: 'GET', url: `/api/audit${query}`, headers });
  const count = async () => Number((await db.query(`SELECT COUNT(*) AS n FROM audit_event`))[0].n);

  it('lets admins filter staff changes by action, entity, actor and date, as JSON and CSV', async () => {
    const byEntity = (await list(`?entity=campaign&entityId=${campaignId}`)).json();
    expect(byEntity.map((r: { action: string }) => r.action)).toEqual(['campaign.update', 'campaign.create']);
    expect(byEntity[0]).toMatchObject({ actorType: 'staff', actorId: marketerId, entityId: campaignId });
    expect((await list('?action=campaign.')).json().length).toBe(2);
    expect((await list(`?actorType=staff&actor=${marketerId}`)).json().every((r: { actorId: string }) => r.actorId === marketerId)).toBe(true);
    expect((await list('?to=2000-01-01')).json()).toEqual([]);
    expect((await list('?action=DROP TABLE')).statusCode).toBe(400);
    const csv = await list(`?entity=campaign&entityId=${campaignId}&format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe('createdAt,seq,actorType,actorId,actorEmail,action,entity,entityId,details,hash,id');
    expect(lines).toHaveLength(3);
    expect((await list('', marketer)).statusCode).toBe(403);
  });

  it('seals every row into a chain that verifies, and says so on the page', async () => {
    await t.app.get(AuditService).recordMany(cliActor('test'), [{ action: 'test.one', details: { b: 2, a: ['1', 'x'] } }, { action: 'test.two' }]);
    await chain.seal();
    const report = await chain.verify();
    expect(report).toMatchObject({ ok: true, rows: await count(), unsealed: 0 });
    expect((await list('/verify')).json()).toMatchObject({ ok: true });
    const sealed = await db.query(`SELECT seq, prev_hash, hash FROM audit_event ORDER BY seq`);
    sealed.forEach((row: { seq: string; prev_hash: string }, i: number) => {
      expect(Number(row.seq)).toBe(i + 1);
      if (i > 0) expect(row.prev_hash).toBe(sealed[i - 1].hash);
    });
    const page = await t.app.inject({ method: 'GET', url: '/dashboard/audit?action=campaign.', headers: { ...admin, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Intact: ${await count()} sealed rows`);
    expect(page.body).toContain('campaign.update');
  });

  it('seals a backlog of several batches in one call, in time then id order, rows of one instant included', async () => {
    await chain.seal();
    // An import's consent changes: thousands of rows with one created_at, more than one sealing batch holds.
    const entries = Array.from({ length: 4500 }, (_, i) => ({ action: 'test.backlog', subjectType: 'customer', subjectId: `c-${i}` }));
    await t.app.get(AuditService).recordMany(cliActor('test'), entries);
    expect(await chain.seal()).toBe(4500);
    const report = await chain.verify();
    expect(report).toMatchObject({ ok: true, unsealed: 0, rows: await count() });
    const sealed: { id: string }[] = await db.query(`SELECT id FROM audit_event WHERE action = 'test.backlog' ORDER BY seq`);
    const ids = sealed.map((r) => r.id);
    expect(ids).toHaveLength(4500);
    expect(ids).toEqual([...ids].sort());
    // A row that commits later with an earlier time is sealed by the next call.
    await t.app.get(AuditService).recordMany(cliActor('test'), [{ action: 'test.late' }], undefined, new Date(Date.now() - 3_600_000));
    expect(await chain.seal()).toBe(1);
    expect(await chain.verify()).toMatchObject({ ok: true, unsealed: 0 });
  });

  it('the timer’s sealing resumes where it left off, and goes back for rows that committed late within a minute', async () => {
    const audit = t.app.get(AuditService);
    await audit.record(cliActor('test'), { action: 'test.before' });
    expect(await chain.seal(true)).toBeGreaterThanOrEqual(1);
    await audit.recordMany(cliActor('test'), [{ action: 'test.late' }], undefined, new Date(Date.now() - 3_600_000));
    await audit.record(cliActor('test'), { action: 'test.after' });
    expect(await chain.seal(true)).toBe(1); // the row after; the late one waits for the next rescan
    expect((await chain.verify()).ok).toBe(true);
    const later = Date.now() + 61_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(await chain.seal(true)).toBe(1);
    } finally {
      clock.mockRestore();
    }
    expect(await chain.verify()).toMatchObject({ ok: true, unsealed: 0 });
  });

  it('a feedback import writes its consent rows already sealed, after rows other writers left unsealed', async () => {
    const audit = t.app.get(AuditService);
    await chain.seal();
    await audit.record(cliActor('test'), { action: 'test.before_import' }); // an interactive writer's row: unsealed
    const csv = [
      'response_id,email,location_code,score,comment,responded_at,marketing_consent',
      ...Array.from({ length: 30 }, (_, i) => `SEAL-${i},seal.${i}@example.com,DLR-001,${i % 11},"Said ""thanks"", ünïcode",2026-11-0${1 + (i % 9)}T10:00:00Z,${i % 3 ? 'yes' : 'no'}`),
    ].join('\n');
    const done = await t.app.get(ImportFeedbackUseCase).run({ source: 'cli', filename: 'sealed.csv', input: Readable.from([Buffer.from(csv)]), actor: cliActor('test') });
    expect(done).toMatchObject({ accepted: 30 });

    const rows: { action: string; seq: string | null }[] = await db.query(
      `SELECT action, seq FROM audit_event WHERE action IN ('customer.consent_change', 'alert.create', 'test.before_import') ORDER BY created_at, id`,
    );
    const fromImport = rows.filter((r) => r.action !== 'test.before_import');
    expect(fromImport.filter((r) => r.action === 'customer.consent_change')).toHaveLength(20);
    expect(fromImport.every((r) => r.seq !== null)).toBe(true); // sealed with the batch, before any sealer ran
    // Rows written one at a time stay with the sealer: the interactive one, and the import's summary row.
    const unsealed: { action: string }[] = await db.query(`SELECT action FROM audit_event WHERE seq IS NULL ORDER BY action`);
    expect(unsealed.map((r) => r.action)).toEqual(['feedback.import', 'test.before_import']);
    expect(await chain.seal()).toBe(2); // they join the chain after the import's rows
    expect(await chain.verify()).toMatchObject({ ok: true, unsealed: 0, rows: await count() });
  });

  it('refuses to change or remove a row in the database, and to seal a sealed row again', async () => {
    await t.app.get(AuditService).record(cliActor('test'), { action: 'test.unsealed' });
    await expect(db.query(`UPDATE audit_event SET action = 'test.changed' WHERE action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
    await chain.seal();
    await expect(db.query(`UPDATE audit_event SET seq = 9999, hash = 'x', prev_hash = 'y' WHERE action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_event WHERE action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
  });

  it('names the first row altered or removed behind the database’s back', async () => {
    await chain.seal();
    const rows = await count();
    const [victim] = await db.query(`SELECT id FROM audit_event WHERE seq = 3`);
    if (dialect === 'postgres') await db.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    else await db.query(`DROP TRIGGER audit_event_no_update`), await db.query(`DROP TRIGGER audit_event_no_delete`);

    await db.query(`UPDATE audit_event SET details = NULL, action = 'campaign.launch' WHERE seq = 3`);
    expect(await chain.verify()).toEqual({ ok: false, rows: 2, seq: 3, id: victim.id, problem: expect.stringMatching(/altered/) });
    const page = await t.app.inject({ method: 'GET', url: '/dashboard/audit', headers: { ...admin, accept: 'text/html' } });
    expect(page.body).toContain('Broken at row 3');

    await db.query(`DELETE FROM audit_event WHERE seq = 3`);
    expect(await chain.verify()).toMatchObject({ ok: false, rows: 2, seq: 3, id: null, problem: expect.stringMatching(/removed/) });
    expect(rows).toBeGreaterThan(4);
  });
});
