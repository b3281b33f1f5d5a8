import { Injectable } from '@nestjs/common';
import { SYSTEM_ACTOR } from '../common/actor';
import { Location } from '../locations/location.entity';
import { LocationsService } from '../locations/locations.service';

export type LocationInfo = Pick<Location, 'id' | 'code' | 'name' | 'timezone'>;

/** Locations by id and code, read through LocationsService (a brand has hundreds at most, so all are held briefly). */
export class LocationIndex {
  readonly byId: Map<string, LocationInfo>;
  readonly byCode: Map<string, LocationInfo>;

  constructor(readonly all: LocationInfo[]) {
    this.byId = new Map(all.map((l) => [l.id, l]));
    this.byCode = new Map(all.map((l) => [l.code, l]));
  }

  /** The ids a campaign covers: its list, or every location. */
  scope(locationIds: string[] | null): string[] {
    return locationIds ?? this.all.map((l) => l.id);
  }

  codes(ids: string[]): string[] {
    return ids.map((id) => this.byId.get(id)?.code).filter((code): code is string => !!code).sort();
  }
}

/** Caches the location list for a few seconds: the fan-out and the pages ask often, locations change rarely. */
@Injectable()
export class LocationDirectory {
  private cached?: { index: LocationIndex; at: number };

  constructor(private readonly locations: LocationsService) {}

  async index(maxAgeMs = 5000): Promise<LocationIndex> {
    if (this.cached && Date.now() - this.cached.at < maxAgeMs) return this.cached.index;
    const all = await this.locations.list(SYSTEM_ACTOR);
    const index = new LocationIndex(all.map(({ id, code, name, timezone }) => ({ id, code, name, timezone })));
    this.cached = { index, at: Date.now() };
    return index;
  }
}
