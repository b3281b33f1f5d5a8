import { AudienceChanges } from '../customers/audience-changes';
import { ELIGIBILITY_CACHE_MS, EligibilityCache } from './eligibility-cache';
import { EligibilityCriteria, EligibilityReadModel, ReasonCount } from './eligibility.read-model';

const DAY = 86_400_000;

function criteria(overrides: Partial<EligibilityCriteria> = {}, now = Date.now()): EligibilityCriteria {
  return {
    campaignId: 'c1',
    locationIds: null,
    minScore: 9,
    respondedSince: new Date(now - 90 * DAY),
    capSince: new Date(now - 30 * DAY),
    cap: 2,
    ...overrides,
  };
}

describe(EligibilityCache.name, () => {
  let rows: ReasonCount[];
  let counts: number;
  let audience: AudienceChanges;
  let sut: EligibilityCache;

  beforeEach(() => {
    rows = [
      { locationId: 'L1', outcome: 'invite', count: 5 },
      { locationId: 'L1', outcome: 'noConsent', count: 7 },
      { locationId: 'L2', outcome: 'invite', count: 1 },
    ];
    counts = 0;
    const repository = {
      countByOutcome: async () => {
        counts++;
        return rows;
      },
    } as unknown as EligibilityReadModel;
    audience = new AudienceChanges();
    sut = new EligibilityCache(repository, audience);
  });

  it('counts once, then moves each new invitation from "would invite" to "invited" without counting again', async () => {
    const now = Date.now();
    expect(await sut.wouldInvite(criteria({}, now), new Map([['L1', 2]]), now)).toEqual(new Map([['L1', 5], ['L2', 1]]));
    const later = now + 5_000;
    expect(await sut.wouldInvite(criteria({}, later), new Map([['L1', 5], ['L2', 1]]), later)).toEqual(new Map([['L1', 2], ['L2', 0]]));
    expect(await sut.wouldInvite(criteria({}, later), new Map([['L1', 20]]), later)).toEqual(new Map([['L1', 0], ['L2', 1]]));
    expect(counts).toBe(1);
  });

  it('counts again after an audience change, a criteria or cap change, forget(), or its lifetime', async () => {
    const now = Date.now();
    const none = new Map<string, number>();
    await sut.wouldInvite(criteria({}, now), none, now);
    audience.changed();
    await sut.wouldInvite(criteria({}, now), none, now);
    expect(counts).toBe(2);
    await sut.wouldInvite(criteria({ minScore: 10 }, now), none, now);
    await sut.wouldInvite(criteria({ minScore: 10, cap: 3 }, now), none, now);
    await sut.wouldInvite(criteria({ minScore: 10, cap: 3, respondedSince: new Date(now - 10 * DAY) }, now), none, now);
    expect(counts).toBe(5);
    sut.forget('c1');
    await sut.wouldInvite(criteria({ minScore: 10, cap: 3, respondedSince: new Date(now - 10 * DAY) }, now), none, now);
    expect(counts).toBe(6);
    const expired = now + ELIGIBILITY_CACHE_MS;
    await sut.wouldInvite(criteria({ minScore: 10, cap: 3, respondedSince: new Date(expired - 10 * DAY) }, expired), none, expired);
    expect(counts).toBe(7);
  });

  it('concurrent views that miss share one count', async () => {
    const now = Date.now();
    await Promise.all([1, 2, 3].map(() => sut.wouldInvite(criteria({}, now), new Map(), now)));
    expect(counts).toBe(1);
  });
});
