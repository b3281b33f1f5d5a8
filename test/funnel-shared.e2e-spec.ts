import { DataSource } from 'typeorm';
import { FunnelReadModel } from '../src/campaigns/funnel.read-model';
import { ClickRecorder } from '../src/reach/click-recorder.service';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { insertShare } from './factories/shares';
import { createTestApp, TestApp } from './support/app';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

describe.each(['postgres', 'sqlite'] as const)('campaign funnel: shared on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('counts an intent share as shared once the first human click on its link arrives (bot hits do not)', async () => {
    const { shareId, recommendationId } = await insertShare(db, { channel: 'whatsapp' });
    const [{ campaign_id: campaignId }] = await db.query(`SELECT campaign_id FROM recommendation WHERE id = ${dialect === 'postgres' ? '$1' : '?'}`, [recommendationId]);
    const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/x', shareId }));
    const shared = async () => {
      await t.app.get(ClickRecorder).flush();
      const rows = await t.app.get(FunnelReadModel).countsByLocation(campaignId);
      return rows.reduce((n, r) => n + r.shared, 0);
    };
    expect(await shared()).toBe(0);
    await t.app.inject({ method: 'GET', url: `/r/${link.code}`, headers: { 'user-agent': 'WhatsApp/2.23.20.0 A' } });
    await t.app.inject({ method: 'HEAD', url: `/r/${link.code}`, headers: { 'user-agent': PHONE } });
    expect(await shared()).toBe(0);
    await t.app.inject({ method: 'GET', url: `/r/${link.code}`, headers: { 'user-agent': PHONE } });
    await t.app.inject({ method: 'GET', url: `/r/${link.code}`, headers: { 'user-agent': PHONE, 'x-forwarded-for': '203.0.113.3' } });
    expect(await shared()).toBe(1);
  });
});
