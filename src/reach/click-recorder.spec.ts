import { AppConfig } from '../config/app-config';
import { ClickRecorder } from './click-recorder.service';
import { ClicksRepository, NewClick } from './clicks.repository';

describe(ClickRecorder.name, () => {
  const written: NewClick[] = [];
  const repo = { maxBatch: 100, insertMany: async (rows: NewClick[]) => void written.push(...rows) } as unknown as ClicksRepository;
  const sut = new ClickRecorder(repo, { hashKey: 'k'.repeat(48) } as AppConfig);
  const visit = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (iPhone)' };

  beforeEach(() => (written.length = 0));

  it('gives the same visitor one hash per UTC day, and a new one the next day (also going back in time)', async () => {
    const times = ['2026-11-24T23:59:59.999Z', '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z', '2026-11-24T12:00:00.000Z'];
    for (const at of times) sut.record('link', visit, new Date(at));
    await sut.flush();
    const [a, b, c, d] = written.map((w) => w.visitorHash);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(d).toBe(a);
  });
});
