import { AudienceChanges } from '../customers/audience-changes';
import { ELIGIBILITY_CACHE_MS, EligibilityCache } from './eligibility-cache';
import { EligibilityCriteria, EligibilityReadModel } from './eligibility.read-model';

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
  let counted: { wouldInvite: Map<string, number>; invited: Map<string, number> };
  let counts: number;
  let audience: AudienceChanges;
  let sut: EligibilityCache;

  beforeEach(() => {
    // As the database gave them in one statement: 5 + 1 would be invited, and the campaign had invited 2 at L1.
    counted = { wouldInvite: new Map([['L1', 5], ['L2', 1]]), invited: new Map([['L1', 2]]) };
    counts = 0;
    const repository = {
      invitableAndInvited: async () => {
        counts++;
        return counted;
      },
    } as unknown as EligibilityReadModel;
    audience = new AudienceChanges();
    sut = new EligibilityCache(repository, audience);
  });

  it('counts once, then moves each new invitation from "would invite" to "invited" without counting again', async () => {
    const now = Date.now();
    const snapshot = await sut.snapshot(criteria({}, now), now);
    expect(sut.wouldInviteNow(snapshot, new Map([['L1', 2]]))).toEqual(new Map([['L1', 5], ['L2', 1]]));
    const later = now + 5_000;
    const again = await sut.snapshot(criteria({}, later), later);
    expect(sut.wouldInviteNow(again, new Map([['L1', 5], ['L2', 1]]))).toEqual(new Map([['L1', 2], ['L2', 0]]));
    expect(sut.wouldInviteNow(again, new Map([['L1', 20]]))).toEqual(new Map([['L1', 0], ['L2', 1]]));
    expect(counts).toBe(1);
  });

  it("takes the invitations the count saw from the count itself, not from the caller's earlier read", async () => {
    // Invitations made while a launch runs: the count already excludes the two invited at L1. Read afterwards,
    // the campaign's invitations include them, so would-be-invited stays at 5 and invited + would = 7.
    const snapshot = await sut.snapshot(criteria());
    expect(snapshot.invitedThen).toEqual(new Map([['L1', 2]]));
    expect(sut.wouldInviteNow(snapshot, new Map([['L1', 2]])).get('L1')).toBe(5);
  });

  it('counts again after an audience change, a criteria or cap change, forget(), or its lifetime', async () => {
    const now = Date.now();
    const none = new Map<string, number>();
    await sut.snapshot(criteria({}, now), now);
    audience.changed();
    await sut.snapshot(criteria({}, now), now);
    expect(counts).toBe(2);
    await sut.snapshot(criteria({ minScore: 10 }, now), now);
    await sut.snapshot(criteria({ minScore: 10, cap: 3 }, now), now);
    await sut.snapshot(criteria({ minScore: 10, cap: 3, respondedSince: new Date(now - 10 * DAY) }, now), now);
    expect(counts).toBe(5);
    sut.forget('c1');
    await sut.snapshot(criteria({ minScore: 10, cap: 3, respondedSince: new Date(now - 10 * DAY) }, now), now);
    expect(counts).toBe(6);
    const expired = now + ELIGIBILITY_CACHE_MS;
    await sut.snapshot(criteria({ minScore: 10, cap: 3, respondedSince: new Date(expired - 10 * DAY) }, expired), expired);
    expect(counts).toBe(7);
  });

  it('concurrent views that miss share one count', async () => {
    const now = Date.now();
    await Promise.all([1, 2, 3].map(() => sut.snapshot(criteria({}, now), now)));
    expect(counts).toBe(1);
  });
});
