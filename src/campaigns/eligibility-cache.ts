import { Injectable } from '@nestjs/common';
import { AudienceChanges } from '../customers/audience-changes';
import { EligibilityCriteria, EligibilityReadModel } from './eligibility.read-model';

/** Changes made by other processes (imports through a worker, another API instance) show within this time. */
export const ELIGIBILITY_CACHE_MS = 60_000;

/** A campaign's eligibility as counted: per location, who would be invited and its invitations, from one snapshot. */
export interface EligibilitySnapshot {
  /** The criteria apart from the moving time bounds: an edited campaign or cap is a different entry. */
  key: string;
  version: number;
  at: number;
  wouldInvite: Map<string, number>;
  invitedThen: Map<string, number>;
}

/**
 * The campaign page's "would be invited now" per location, without re-running the eligibility
 * aggregation (a scan of every customer in scope) on each view. Counted once, then kept up to date
 * incrementally: each invitation made since was one of those customers, so it moves from "would be
 * invited" to "invited". Recounted after an audience change in this process (import, opt-out),
 * a change of the campaign's criteria or the frequency cap, a launch, or ELIGIBILITY_CACHE_MS.
 */
@Injectable()
export class EligibilityCache {
  private readonly entries = new Map<string, EligibilitySnapshot>();
  private readonly counting = new Map<string, Promise<EligibilitySnapshot>>();

  constructor(
    private readonly eligibility: EligibilityReadModel,
    private readonly audience: AudienceChanges,
  ) {}

  /**
   * The campaign's counted eligibility, counted now when missing or stale. Read the campaign's invitations
   * after this returns and pass them to `wouldInviteNow`: read before, an invitation made in between would be
   * missing from them yet already excluded from the count.
   */
  async snapshot(criteria: EligibilityCriteria, now = Date.now()): Promise<EligibilitySnapshot> {
    const key = keyOf(criteria);
    const entry = this.entries.get(criteria.campaignId);
    if (entry && entry.key === key && entry.version === this.audience.current && now - entry.at < ELIGIBILITY_CACHE_MS) return entry;
    return this.count(criteria, key, now);
  }

  /** Would be invited now per location, given the campaign's invitations per location read after `snapshot`. */
  wouldInviteNow(snapshot: EligibilitySnapshot, invitedNow: Map<string, number>): Map<string, number> {
    const result = new Map<string, number>();
    for (const [locationId, count] of snapshot.wouldInvite) {
      const invitedSince = (invitedNow.get(locationId) ?? 0) - (snapshot.invitedThen.get(locationId) ?? 0);
      result.set(locationId, Math.max(0, count - Math.max(0, invitedSince)));
    }
    return result;
  }

  /** The next view counts again (after a launch, say). */
  forget(campaignId: string): void {
    this.entries.delete(campaignId);
  }

  /** Views that miss at the same time share one count. */
  private count(criteria: EligibilityCriteria, key: string, now: number): Promise<EligibilitySnapshot> {
    const id = `${criteria.campaignId}\n${key}\n${this.audience.current}`;
    let pending = this.counting.get(id);
    if (!pending) {
      // The version before counting: a change committed while counting makes the entry stale at once.
      const version = this.audience.current;
      pending = this.eligibility
        .invitableAndInvited(criteria)
        .then(({ wouldInvite, invited }) => {
          const entry: EligibilitySnapshot = { key, version, at: now, wouldInvite, invitedThen: invited };
          this.prune(now);
          this.entries.set(criteria.campaignId, entry);
          return entry;
        })
        .finally(() => this.counting.delete(id));
      this.counting.set(id, pending);
    }
    return pending;
  }

  private prune(now: number): void {
    for (const [campaignId, entry] of this.entries) if (now - entry.at >= ELIGIBILITY_CACHE_MS) this.entries.delete(campaignId);
  }
}

function keyOf(c: EligibilityCriteria): string {
  // The look-back is the distance between the two time bounds (both move with "now").
  const lookBackMs = c.capSince.getTime() - c.respondedSince.getTime();
  return JSON.stringify([c.locationIds, c.minScore, c.cap, lookBackMs]);
}
