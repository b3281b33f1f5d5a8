import { DataSource } from 'typeorm';
import { ClickRecorder } from '../src/reach/click-recorder.service';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { DAY_MS, utcDay } from '../src/common/time/days';
import { waitFor } from './fakes/jobs-fixtures';
import { createTestAppFromEnv, TestApp, testEnv } from './support/app';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

// On PostgreSQL, where clicks are counted in the live tables first (SQLite's writer adds to the closed ones).
describe('the reach data’s daily jobs', () => {
  const { env, schema } = testEnv({ dialect: 'postgres' });
  let t: TestApp | undefined;
  afterAll(() => t?.close());

  it('a worker process folds the closed days out of the live rollups as it starts (the day’s run)', async () => {
    const first = await createTestAppFromEnv(env, schema);
    const link = await first.app.get(DataSource).transaction((m) => first.app.get(TrackedLinksService).create(m, { targetPath: '/p/daily' }));
    const recorder = first.app.get(ClickRecorder);
    const [old, today] = [Date.now() - 4 * DAY_MS, Date.now()];
    recorder.record(link.id, { ip: '203.0.113.80', userAgent: PHONE, bot: false }, new Date(old));
    recorder.record(link.id, { ip: '203.0.113.80', userAgent: PHONE, bot: false }, new Date(today));
    await recorder.flush();
    await first.stop();

    t = await createTestAppFromEnv(env, schema);
    const db = t.app.get(DataSource);
    const rows = async (side: string) =>
      ((await db.query(`SELECT day FROM reach_daily_${side} WHERE link_id = '${link.id}' ORDER BY day`)) as { day: string }[]).map((r) => r.day);
    await waitFor(async () => (await rows('live')).length === 1, 'the fold of the closed days');
    expect(await rows('live')).toEqual([utcDay(today)]);
    expect(await rows('closed')).toEqual([utcDay(old)]);
  });
});
