import { DataSource } from 'typeorm';
import { ClickEvent } from '../src/reach/click-event.entity';
import { ClickRecorder } from '../src/reach/click-recorder.service';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { VisitorSalt } from '../src/reach/visitor-salt.entity';
import { DAY_MS, utcDay } from '../src/common/time/days';
import { VisitorSalts } from '../src/reach/visitor-salts.service';
import { createTestApp, TestApp } from './support/app';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

describe.each(['postgres', 'sqlite'] as const)('visitor salts on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  let salts: VisitorSalts;
  let recorder: ClickRecorder;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
    salts = t.app.get(VisitorSalts);
    recorder = t.app.get(ClickRecorder);
  });
  afterAll(() => t.close());

  const newLink = () => db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/1' }));
  const saltDays = async () => (await db.getRepository(VisitorSalt).find({ order: { day: 'ASC' } })).map((s) => s.day);
  const hashesOf = async (linkId: string) => {
    await recorder.flush();
    return (await db.getRepository(ClickEvent).find({ where: { linkId }, order: { id: 'ASC' } })).map((c) => c.visitorHash);
  };

  it('keeps a random salt for today and tomorrow from the start, the same in every process', async () => {
    const now = Date.now();
    expect(await saltDays()).toEqual(expect.arrayContaining([utcDay(now), utcDay(now + DAY_MS)]));
    const otherProcess = new VisitorSalts(db);
    await otherProcess.refresh();
    expect(otherProcess.get(utcDay(now))!.equals(salts.get(utcDay(now))!)).toBe(true);
    expect(salts.get(utcDay(now))!.equals(salts.get(utcDay(now + DAY_MS))!)).toBe(false);
  });

  it('counts visitors per link per day: the same person on two links, or on two days, is not matched', async () => {
    const [a, b] = [await newLink(), await newLink()];
    const visit = { ip: '203.0.113.9', userAgent: PHONE, bot: false };
    const today = new Date();
    recorder.record(a.id, visit, today);
    recorder.record(a.id, visit, today);
    recorder.record(a.id, { ...visit, ip: '203.0.113.10' }, today);
    recorder.record(b.id, visit, today);
    recorder.record(a.id, visit, new Date(today.getTime() + DAY_MS));
    const [first, again, other, tomorrow] = await hashesOf(a.id);
    expect(again).toBe(first);
    expect(new Set([first, other, tomorrow]).size).toBe(3);
    expect(await hashesOf(b.id)).not.toContain(first);
  });

  it('deletes a day’s salt two days later, after which the same visit can no longer be matched to its hash', async () => {
    const link = await newLink();
    const visit = { ip: '198.51.100.4', userAgent: PHONE, bot: false };
    const now = Date.now();
    const old = new Date(Date.parse(utcDay(now - 2 * DAY_MS)) + 3_600_000); // 01:00 two days ago
    await salts.load([utcDay(old.getTime())], old.getTime()); // as the process did on that day
    recorder.record(link.id, visit, old);
    const [before] = await hashesOf(link.id);
    expect(await saltDays()).toContain(utcDay(old.getTime()));

    await salts.refresh(now);
    const kept = await saltDays();
    expect(kept.filter((day) => day < utcDay(now - DAY_MS))).toEqual([]); // yesterday's stays, for clicks buffered over midnight
    expect(kept).toEqual(expect.arrayContaining([utcDay(now), utcDay(now + DAY_MS)]));
    expect(salts.get(utcDay(old.getTime()))).toBeUndefined();

    recorder.record(link.id, visit, old);
    const [, after] = await hashesOf(link.id);
    expect(after).toMatch(/^[\w-]{32}$/);
    expect(after).not.toBe(before);
    expect(await saltDays()).not.toContain(utcDay(old.getTime())); // not made again for a late click
  });
});
