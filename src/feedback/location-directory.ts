import { SYSTEM_ACTOR } from '../common/actor';
import { Location } from '../locations/location.entity';
import { LocationsService } from '../locations/locations.service';

/** How long an unknown code waits before the list is read again (a file full of bad codes reads it rarely). */
const REFRESH_MS = 5_000;

export type LocationInfo = Pick<Location, 'id' | 'code' | 'name' | 'managerEmail'>;

/**
 * Location codes → ids for one import or a short-lived cache, read through LocationsService (never its
 * table). Locations are few (a brand has hundreds at most), so all of them are held.
 */
export class LocationDirectory {
  private byCode = new Map<string, LocationInfo>();
  private byId = new Map<string, LocationInfo>();
  private loadedAt = 0;

  constructor(private readonly locations: LocationsService) {}

  async load(): Promise<this> {
    const all = await this.locations.list(SYSTEM_ACTOR);
    this.byCode = new Map(all.map((l) => [l.code, l]));
    this.byId = new Map(all.map((l) => [l.id, l]));
    this.loadedAt = Date.now();
    return this;
  }

  /** The location with this (upper-case) code; a miss re-reads the list at most every few seconds. */
  async byCodeOrRefresh(code: string): Promise<LocationInfo | undefined> {
    const hit = this.byCode.get(code);
    if (hit || Date.now() - this.loadedAt < REFRESH_MS) return hit;
    await this.load();
    return this.byCode.get(code);
  }

  get(id: string): LocationInfo | undefined {
    return this.byId.get(id);
  }

  getByCode(code: string): LocationInfo | undefined {
    return this.byCode.get(code);
  }
}
