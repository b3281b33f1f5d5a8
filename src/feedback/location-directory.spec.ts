import { LocationIndex, LocationInfo } from '../locations/location-index';
import { LocationsService } from '../locations/locations.service';
import { LocationDirectory } from './location-directory';

const location = (code: string, name: string): LocationInfo => ({ id: `id-${code}`, code, name, timezone: 'UTC', managerEmail: null });

describe('LocationDirectory', () => {
  it('finds a location by its name ignoring case and spacing, never by a name two locations share, and sees a re-read list', async () => {
    let all = [location('DLR-001', 'Downtown  Motors'), location('DLR-002', 'Riverside'), location('DLR-003', 'Riverside ')];
    const locations = { index: async () => new LocationIndex(all) } as unknown as LocationsService;
    const directory = await LocationDirectory.load(locations);
    expect(directory.getByName(' downtown motors')?.code).toBe('DLR-001');
    expect(directory.getByName('RIVERSIDE')).toBeUndefined();
    expect(directory.getByName('Uptown')).toBeUndefined();
    all = [...all, location('DLR-004', 'Uptown')];
    expect((await directory.byCodeOrRefresh('DLR-004'))?.name).toBe('Uptown');
    expect(directory.getByName('uptown')?.code).toBe('DLR-004');
  });
});
