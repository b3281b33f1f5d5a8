import { Actor } from '../common/actor';
import { LocationsService } from '../locations/locations.service';

/**
 * The location ids a query may cover: the one asked for (404 when it is unknown or outside a dealer's
 * locations, as GET /api/locations/:code answers), else a dealer's own, else undefined (all).
 */
export async function scopedLocationIds(locations: LocationsService, actor: Actor, code?: string): Promise<string[] | undefined> {
  if (code) return [(await locations.get(actor, code.trim().toUpperCase())).id];
  if (actor.locationCodes) return (await locations.list(actor)).map((l) => l.id);
  return undefined;
}
