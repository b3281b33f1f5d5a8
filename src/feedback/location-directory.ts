import { LocationIndex, LocationInfo } from '../locations/location-index';
import { LocationsService } from '../locations/locations.service';

export type { LocationInfo };

/**
 * Location codes → locations for one import or webhook call, on LocationsService's shared index (never
 * the locations table). An unknown code looks again in the index, which re-reads the list at most every
 * few seconds (a file full of bad codes reads it rarely).
 */
export class LocationDirectory {
  private names?: { index: LocationIndex; byName: Map<string, LocationInfo | null> };

  private constructor(
    private readonly locations: LocationsService,
    private index: LocationIndex,
  ) {}

  /** A snapshot read now: a location added a moment ago is there. */
  static async load(locations: LocationsService): Promise<LocationDirectory> {
    return new LocationDirectory(locations, await locations.index(0));
  }

  /** The location with this (upper-case) code. */
  async byCodeOrRefresh(code: string): Promise<LocationInfo | undefined> {
    const hit = this.index.byCode.get(code);
    if (hit) return hit;
    this.index = await this.locations.index();
    return this.index.byCode.get(code);
  }

  get(id: string): LocationInfo | undefined {
    return this.index.byId.get(id);
  }

  /** The location with this name (ignoring case and spacing), when exactly one has it. */
  getByName(name: string): LocationInfo | undefined {
    // Built once per index snapshot: a file whose location column holds names asks on every row.
    if (this.names?.index !== this.index) {
      const byName = new Map<string, LocationInfo | null>();
      for (const location of this.index.all) {
        const key = nameKey(location.name);
        byName.set(key, byName.has(key) ? null : location); // a name two locations share names neither
      }
      this.names = { index: this.index, byName };
    }
    return this.names.byName.get(nameKey(name)) ?? undefined;
  }

  getByCode(code: string): LocationInfo | undefined {
    return this.index.byCode.get(code);
  }

  /** The location a file's cell names: by code (any case), else by name. */
  find(cell: string): LocationInfo | undefined {
    const text = cell.trim();
    return this.getByCode(text.toUpperCase()) ?? this.getByName(text);
  }
}

function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
