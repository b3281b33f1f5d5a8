import { Location } from './location.entity';

export type LocationInfo = Pick<Location, 'id' | 'code' | 'name' | 'timezone' | 'managerEmail'>;

/** Every location by id and code (a brand has hundreds at most, so all are held), as one snapshot. */
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
