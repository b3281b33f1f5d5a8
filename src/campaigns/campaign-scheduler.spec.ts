import { AppConfig } from '../config/app-config';
import { AudienceChanges } from '../customers/audience-changes';
import { JobQueue } from '../jobs/job-queue.service';
import { CampaignScheduler, KICK_GAP_MS } from './campaign-tick';

describe(CampaignScheduler.name, () => {
  let keys: string[];
  let changes: AudienceChanges;
  const build = (config: Partial<AppConfig>) => {
    const jobs = { enqueue: jest.fn(async (_job: unknown, data: { key: string }) => void keys.push(data.key)), onDataLoss: jest.fn() } as unknown as JobQueue;
    const sut = new CampaignScheduler(new AppConfig(config as AppConfig), jobs, changes);
    sut.onModuleInit();
    return sut;
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_800_000_000_000 });
    keys = [];
    changes = new AudienceChanges();
  });
  afterEach(() => jest.useRealTimers());

  it('answers a change at once, and a burst of changes within the gap with one more round at its end', async () => {
    const sut = build({ role: 'all' });
    changes.changed();
    await jest.advanceTimersByTimeAsync(0);
    expect(keys).toEqual(['k1800000000']);
    for (let i = 0; i < 50; i++) {
      await jest.advanceTimersByTimeAsync(50);
      changes.changed();
    }
    expect(keys).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(KICK_GAP_MS);
    expect(keys).toEqual(['k1800000000', `k${1_800_000_000 + KICK_GAP_MS / 1000}`]);
    await sut.onModuleDestroy();
    changes.changed();
    await jest.advanceTimersByTimeAsync(KICK_GAP_MS * 2);
    expect(keys).toHaveLength(2); // no longer listening
  });

  it('a producer-only process leaving within the gap still queues the round for its last changes', async () => {
    const sut = build({ role: 'api', redisUrl: 'redis://127.0.0.1:6379' });
    changes.changed();
    await jest.advanceTimersByTimeAsync(1000);
    changes.changed();
    expect(keys).toHaveLength(1);
    await sut.onModuleDestroy();
    expect(keys).toHaveLength(2);
  });

  it('queues nothing in a producer-only process without Redis (the CLI): no queue would outlive it', async () => {
    const sut = build({ role: 'api' });
    changes.changed();
    await jest.advanceTimersByTimeAsync(KICK_GAP_MS * 2);
    await sut.onModuleDestroy();
    expect(keys).toEqual([]);
  });
});
