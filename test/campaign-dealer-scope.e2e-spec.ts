import { seedLocation, staffHeader } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';

/** Issue #17: a dealer reading a campaign that spans locations sees only their own locations in its details. */
describe.each<Dialect>(['postgres', 'sqlite'])('campaign details for a dealer on %s', (dialect) => {
  let t: TestApp;
  let marketer: Record<string, string>;
  let dealer: Record<string, string>;
  let spanning: string;
  let everywhere: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await seedLocation(t.app, 'DLR-001', 'Downtown');
    await seedLocation(t.app, 'DLR-002', 'Riverside');
    await seedLocation(t.app, 'DLR-003', 'Hilltop');
    marketer = (await staffHeader(t.app, 'marketer')).headers;
    dealer = (await staffHeader(t.app, 'dealer', ['DLR-002'])).headers;
    const create = async (payload: object) => (await t.app.inject({ method: 'POST', url: '/api/campaigns', headers: marketer, payload })).json().id as string;
    spanning = await create({
      name: 'Spring round',
      locations: ['DLR-001', 'DLR-002'],
      promptOverrides: { 'DLR-001': 'Secret downtown wording', 'DLR-002': 'Riverside wording' },
    });
    everywhere = await create({ name: 'Everywhere round', promptOverrides: { 'DLR-003': 'Hilltop only wording' } });
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

  it('leaves other locations’ codes and prompt overrides out of the API answer and the list', async () => {
    expect((await get(`/api/campaigns/${spanning}`, marketer)).json()).toMatchObject({ locations: ['DLR-001', 'DLR-002'] });
    const mine = (await get(`/api/campaigns/${spanning}`, dealer)).json();
    expect(mine.locations).toEqual(['DLR-002']);
    expect(mine.promptOverrides).toEqual({ 'DLR-002': 'Riverside wording' });
    const all = (await get(`/api/campaigns/${everywhere}`, dealer)).json();
    expect(all.locations).toEqual(['DLR-002']);
    expect(all.promptOverrides).toEqual({});
    const listed = (await get('/api/campaigns', dealer)).json();
    expect(JSON.stringify(listed)).not.toMatch(/DLR-001|DLR-003|Secret downtown|Hilltop only/);
    const csv = await get('/api/campaigns?format=csv', dealer);
    expect(csv.body).not.toMatch(/DLR-001|DLR-003/);
  });

  it('shows them only their location on the campaign page', async () => {
    const page = await get(`/dashboard/campaigns/${spanning}`, { ...dealer, accept: 'text/html' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('DLR-002');
    expect(page.body).not.toMatch(/DLR-001|Downtown|Secret downtown wording/);
    const marketerPage = await get(`/dashboard/campaigns/${spanning}`, { ...marketer, accept: 'text/html' });
    expect(marketerPage.body).toContain('DLR-001');
  });
});
