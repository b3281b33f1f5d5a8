import { Readable } from 'node:stream';
import { cliActor } from '../src/common/actor';
import { LocationsImportService } from '../src/locations/locations-import.service';
import { PASSWORD, staffHeader } from './campaign-fixtures';
import { createTestApp, Dialect, TestApp } from './support/app';
import { FormBrowser } from './support/form-browser';

/** Issue #14: a location's phone and opening hours, from the API, the CSV and the form, shown on its public page. */
describe.each<Dialect>(['postgres', 'sqlite'])('location phone and opening hours on %s', (dialect) => {
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    admin = (await staffHeader(t.app, 'admin')).headers;
  });
  afterAll(() => t.close());

  const create = (payload: object) => t.app.inject({ method: 'POST', url: '/api/locations', headers: admin, payload });

  it('takes them through the API, refuses what is not a phone number or too long, and shows them on /l/:code', async () => {
    const res = await create({ code: 'TEL-1', name: 'Phone Motors', phone: '+1 (555) 010-0200', openingHours: 'Mon–Fri 8:00–18:00\r\nSat 9:00–13:00\n\n' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ phone: '+1 (555) 010-0200', openingHours: 'Mon–Fri 8:00–18:00\nSat 9:00–13:00' });
    const bad = await create({ code: 'TEL-2', name: 'Bad', phone: 'call us"><script>', openingHours: 'x'.repeat(501) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toEqual(expect.arrayContaining(['phone must be a phone number such as +1 555 010 0200', 'openingHours must be at most 500 characters']));
    const page = await t.app.inject({ method: 'GET', url: '/l/TEL-1' });
    expect(page.body).toContain('<a href="tel:+15550100200">+1 (555) 010-0200</a>');
    expect(page.body).toContain('<p class="hours">Mon–Fri 8:00–18:00\nSat 9:00–13:00</p>');
  });

  it('reads phone and opening_hours columns from the locations CSV, with a bad phone refused on its line', async () => {
    const csv = 'code,name,phone,opening_hours\nTEL-3,Csv Motors,+44 20 7946 0000,"Mon–Sat 9–17\nSun closed"\nTEL-4,Bad Phone,not a number,\n';
    const report = await t.app.get(LocationsImportService).import(Readable.from([Buffer.from(csv)]), cliActor('test'));
    expect(report).toMatchObject({ created: 1, rejected: [{ line: 4, reason: expect.stringContaining('phone must be a phone number') }] });
    const listed = (await t.app.inject({ method: 'GET', url: '/api/locations', headers: admin })).json();
    expect(listed.find((l: { code: string }) => l.code === 'TEL-3')).toMatchObject({ phone: '+44 20 7946 0000', openingHours: 'Mon–Sat 9–17\nSun closed' });
  });

  it('edits and clears them on the location form', async () => {
    await create({ code: 'TEL-5', name: 'Form Motors' });
    const browser = new FormBrowser(t.app);
    await browser.signIn((await staffHeader(t.app, 'admin')).email, PASSWORD);
    const form = await browser.get('/dashboard/locations/TEL-5/edit');
    expect(form.body).toContain('id="phone" name="phone" type="tel"');
    const fields = { name: 'Form Motors', timezone: 'UTC', locale: 'en', phone: '+1 555 010 0300', openingHours: 'Mon–Fri 9–17' };
    expect((await browser.post('/dashboard/locations/TEL-5', fields)).statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: '/l/TEL-5' })).body).toContain('tel:+15550100300');
    await browser.get('/dashboard/locations/TEL-5/edit');
    const bad = await browser.post('/dashboard/locations/TEL-5', { ...fields, phone: 'call me' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Phone must be a phone number');
    await browser.get('/dashboard/locations/TEL-5/edit');
    expect((await browser.post('/dashboard/locations/TEL-5', { ...fields, phone: '', openingHours: '' })).statusCode).toBe(303);
    const cleared = (await t.app.inject({ method: 'GET', url: '/api/locations', headers: admin })).json().find((l: { code: string }) => l.code === 'TEL-5');
    expect(cleared).toMatchObject({ phone: null, openingHours: null });
  });
});
