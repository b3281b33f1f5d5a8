import { randomBytes } from 'node:crypto';
import { ClickRecorder } from './click-recorder.service';
import { ClickStream } from './click-stream';
import { ClicksRepository, NewClick } from './clicks.repository';
import { VisitorSalts } from './visitor-salts.service';

describe(ClickRecorder.name, () => {
  const written: NewClick[] = [];
  const repo = { maxBatch: 100, insertMany: async (rows: NewClick[]) => void written.push(...rows) } as unknown as ClicksRepository;
  /** Only days passed to `load` have a salt, as after a process start before the first refresh. */
  const salts = new Map<string, Buffer>();
  const fakeSalts = {
    get: (day: string) => salts.get(day),
    load: async (days: string[]) => days.forEach((d) => salts.has(d) || salts.set(d, randomBytes(32))),
  } as unknown as VisitorSalts;
  const sut = new ClickRecorder(repo, fakeSalts, { enabled: false, pending: 0 } as unknown as ClickStream);
  const visit = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (iPhone)', bot: false };

  beforeEach(() => (written.length = 0));

  it('gives the same visitor one hash per link and UTC day, and a new one the next day (also going back in time)', async () => {
    const times = ['2026-11-24T23:59:59.999Z', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z', '2026-11-24T12:00:00.000Z'];
    for (const at of times) sut.record('link', visit, new Date(at));
    sut.record('other-link', visit, new Date(times[0]));
    await sut.flush();
    const [a, b, c, d, otherLink] = written.map((w) => w.visitorHash);
    expect(a).toMatch(/^[\w-]{32}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(d).toBe(a);
    expect(otherLink).not.toBe(a);
    // Once the salts are loaded, clicks are hashed on the spot, to the same hash.
    sut.record('link', visit, new Date(times[1]));
    expect(sut.pending).toBe(1);
    await sut.flush();
    expect(written[5].visitorHash).toBe(a);
  });

  it('hashes under a new salt when the day’s salt is replaced, so an old hash can no longer be matched', async () => {
    const at = new Date('2026-11-26T10:00:00Z');
    sut.record('link', visit, at);
    await sut.flush();
    salts.set('2026-11-26', randomBytes(32));
    sut.record('link', visit, at);
    await sut.flush();
    expect(written[1].visitorHash).not.toBe(written[0].visitorHash);
  });

  it('never writes a click before it is hashed, even one recorded while a flush waits for salts or writes', async () => {
    let release: () => void = () => undefined;
    const gated = {
      get: (day: string) => salts.get(day),
      load: async (days: string[]) => {
        await new Promise<void>((resolve) => (release = resolve));
        days.forEach((d) => salts.has(d) || salts.set(d, randomBytes(32)));
      },
    } as unknown as VisitorSalts;
    const recorder = new ClickRecorder(repo, gated, { enabled: false, pending: 0 } as unknown as ClickStream);
    recorder.record('link', visit, new Date('2026-10-01T10:00:00Z'));
    const first = recorder.flush();
    recorder.record('link', visit, new Date('2026-10-02T10:00:00Z')); // its salt isn't loaded either
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release(); // the second round of loading, for the click that came in during the first
    await first;
    await recorder.flush();
    expect(written).toHaveLength(2);
    for (const click of written) expect(click.visitorHash).toMatch(/^[\w-]{32}$/);
    expect(written[0].visitorHash).not.toBe(written[1].visitorHash); // another day, another salt
  });

  it('stores whether the visit was a bot as the caller classified it', async () => {
    sut.record('link', { ...visit, bot: true });
    await sut.flush();
    expect(written[0].isBot).toBe(true);
  });

  it('with Redis, appends each click hashed at capture (no IP address leaves the process), or after its salt is loaded', async () => {
    const appended: NewClick[] = [];
    const stream = { enabled: true, pending: 0, append: (c: NewClick) => appended.push(c), flushUnsent: async () => undefined } as unknown as ClickStream;
    const withStream = new ClickRecorder(repo, fakeSalts, stream);
    salts.set('2026-11-27', randomBytes(32));
    const known = new Date('2026-11-27T10:00:00Z'); // its salt is in memory
    withStream.record('link', visit, known);
    expect(appended).toHaveLength(1);
    const unknownDay = new Date('2026-12-30T10:00:00Z');
    withStream.record('link', visit, unknownDay);
    expect(appended).toHaveLength(1); // waits for the day's salt, in this process
    await withStream.flush();
    expect(appended).toHaveLength(2);
    expect(written).toEqual([]); // never written here: the workers do
    expect(JSON.stringify(appended)).not.toContain(visit.ip);
    expect(appended[1]).not.toHaveProperty('unhashed');
    expect(appended.map((c) => c.visitorHash)).toEqual([expect.stringMatching(/^[\w-]{32}$/), expect.stringMatching(/^[\w-]{32}$/)]);
  });
});
