import { UsersService } from '../src/users/users.service';
import { PASSWORD, seedLocation, setup, staffHeader } from './campaign-fixtures';
import { createTestApp, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';

/** Issue #14, defect 4: a campaign's start and end are entered and shown in its locations' time zone, not UTC. */
describe('campaign times in the locations’ time zone (SQLite)', () => {
  let t: TestApp;
  let marketer: FormBrowser;
  let api: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    await seedLocation(t.app, 'CHI-1', 'Chicago North', 'America/Chicago');
    await seedLocation(t.app, 'CHI-2', 'Chicago South', 'America/Chicago');
    await seedLocation(t.app, 'LIS-1', 'Lisbon', 'Europe/Lisbon');
    await t.app.get(UsersService).create(setup, { email: 'tz-marketer@example.com', role: 'marketer', password: PASSWORD });
    marketer = new FormBrowser(t.app);
    await marketer.signIn('tz-marketer@example.com', PASSWORD);
    api = (await staffHeader(t.app, 'marketer')).headers;
  });
  afterAll(() => t?.close());

  const form = (fields: Record<string, string | string[]>) => ({
    name: 'Winter round', minScore: '9', lookBackDays: '90', channels: ['x', 'email'], prompt: 'Tell a friend?', promptOverrides: '',
    sendingFrom: '9', sendingTo: '19', reminderAfterDays: '', startsAt: '', endsAt: '', ...fields,
  });

  it('reads the fields as Chicago time (standard and daylight time) and shows them back the same way', async () => {
    const created = await marketer.submit('/dashboard/campaigns/new', '/dashboard/campaigns', form({
      locationsMode: 'some', locations: ['CHI-1', 'CHI-2'], startsAt: '2027-01-15T09:00', endsAt: '2027-07-15T09:00',
    }));
    expect(created.statusCode).toBe(303);
    const url = String(created.headers.location).split('?')[0];
    const id = url.split('/').pop();
    const saved = (await t.app.inject({ method: 'GET', url: `/api/campaigns/${id}`, headers: api })).json();
    expect([saved.startsAt, saved.endsAt]).toEqual(['2027-01-15T15:00:00.000Z', '2027-07-15T14:00:00.000Z']);
    const page = await marketer.get(url);
    expect(page.body).toContain('Starts 2027-01-15 09:00 America/Chicago; ends 2027-07-15 09:00 America/Chicago');
    const edit = await marketer.get(`${url}/edit`);
    expect(edit.body).toContain('Start (America/Chicago, optional)');
    expect(edit.body).toContain('value="2027-01-15T09:00"');
    expect(edit.body).toContain('value="2027-07-15T09:00"');
  });

  it('uses UTC, and says why, when the locations are in several time zones', async () => {
    const created = await marketer.submit('/dashboard/campaigns/new', '/dashboard/campaigns', form({ locationsMode: 'all', startsAt: '2027-01-15T09:00' }));
    const url = String(created.headers.location).split('?')[0];
    const saved = (await t.app.inject({ method: 'GET', url: `/api/campaigns/${url.split('/').pop()}`, headers: api })).json();
    expect(saved.startsAt).toBe('2027-01-15T09:00:00.000Z');
    const edit = await marketer.get(`${url}/edit`);
    expect(edit.body).toContain('Start (UTC, optional)');
    expect(edit.body).toContain('because the campaign’s locations are in several time zones');
  });
});
