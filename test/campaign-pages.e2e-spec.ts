import { DataSource } from 'typeorm';
import { UsersService } from '../src/users/users.service';
import { PASSWORD, seedCustomers, seedLocation, setup } from './campaign-fixtures';
import { alertText, decodeHtml, FormBrowser } from './support/form-browser';
import { createTestApp, TestApp } from './support/app';

/** The campaign staff pages: list, create/edit form, dry run, launch/pause/resume/end buttons, test send, live funnel. */
describe('campaign staff pages (SQLite)', () => {
  let t: TestApp;
  let marketer: FormBrowser;
  let campaignUrl: string;

  beforeAll(async () => {
    t = await createTestApp({ dialect: 'sqlite' });
    const own = await seedLocation(t.app, 'DLR-001', 'Downtown');
    const other = await seedLocation(t.app, 'DLR-002', 'Riverside');
    await seedCustomers(t.app.get(DataSource), [
      { email: 'ana@example.com', score: 10, consent: true, location: own },
      { email: 'ben@example.com', score: 9, consent: false, location: own },
      { email: 'cara@example.com', score: 9, consent: true, location: other },
    ]);
    const users = t.app.get(UsersService);
    await users.create(setup, { email: 'marketer@example.com', role: 'marketer', password: PASSWORD });
    await users.create(setup, { email: 'dealer@example.com', role: 'dealer', password: PASSWORD, locationCodes: ['DLR-002'] });
    marketer = new FormBrowser(t.app);
    expect((await marketer.signIn('marketer@example.com', PASSWORD)).statusCode).toBe(303);
  });
  afterAll(() => t?.close());

  it('lists campaigns from the staff navigation', async () => {
    const page = await marketer.get('/dashboard/campaigns');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<a href="/dashboard/campaigns" aria-current="page">Campaigns</a>');
    expect(page.body).toContain('No campaigns yet.');
    expect(page.body).toContain('href="/dashboard/campaigns/new"');
  });

  it('creates a draft from the form, and shows the form again with the problems', async () => {
    const bad = await marketer.submit('/dashboard/campaigns/new', '/dashboard/campaigns', {
      name: '', locationsMode: 'some', locations: [], minScore: '9', lookBackDays: '0', channels: [], prompt: 'x', sendingFrom: '9', sendingTo: '9',
    });
    expect(bad.statusCode).toBe(400);
    expect(alertText(bad.body)).toMatch(/Name must be 1-200 characters/);
    expect(alertText(bad.body)).toMatch(/Locations must be "all" or a list/);

    const created = await marketer.submit('/dashboard/campaigns/new', '/dashboard/campaigns', {
      name: 'Spring <advocates>',
      locationsMode: 'some',
      locations: ['DLR-001', 'DLR-002'],
      minScore: '9',
      lookBackDays: '90',
      channels: ['x', 'whatsapp', 'copy'],
      prompt: 'What would you tell a friend?',
      promptOverrides: 'DLR-002: How was Riverside?',
      sendingFrom: '0',
      sendingTo: '24',
      reminderAfterDays: '5',
    });
    expect(created.statusCode).toBe(303);
    campaignUrl = String(created.headers.location).split('?')[0];
    const page = await marketer.get(String(created.headers.location));
    expect(page.body).toContain('Campaign created as a draft.');
    expect(page.body).toContain('Spring &lt;advocates&gt;');
    expect(decodeHtml(page.body)).toContain('X, WhatsApp, Copy text');
    expect(page.body).toContain('Prompt at DLR-002');
    expect(page.body).toContain('>Launch</button>');
    expect(page.body).toContain('Funnel');
  });

  it('shows the dry run per location with each reason', async () => {
    const page = await marketer.get(`${campaignUrl}/dry-run`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No marketing consent');
    const text = decodeHtml(page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
    expect(text).toContain('Would be invited 2');
    expect(text).toContain('DLR-001 · Downtown 1 0 1 0 0 0 0');
  });

  it('edits the campaign', async () => {
    const form = await marketer.get(`${campaignUrl}/edit`);
    expect(form.body).toContain('DLR-002: How was Riverside?');
    expect(form.body).toMatch(/id="loc-DLR-001" name="locations" value="DLR-001" checked/);
    const saved = await marketer.post(campaignUrl, {
      name: 'Spring advocates', locationsMode: 'all', minScore: '10', lookBackDays: '60', channels: ['email'], prompt: 'Tell a friend?',
      promptOverrides: '', sendingFrom: '0', sendingTo: '24', reminderAfterDays: '',
    });
    expect(saved.statusCode).toBe(303);
    const page = await marketer.get(String(saved.headers.location));
    expect(page.body).toContain('Campaign saved.');
    expect(page.body).toContain('All locations');
    expect(page.body).not.toContain('Prompt at DLR-002');
  });

  it('launches, refuses a second launch, pauses, resumes, sends a test and ends from the buttons', async () => {
    const draft = await marketer.get(campaignUrl);
    expect(draft.body).toContain('Starts when launched; runs until ended');
    expect(draft.body).not.toContain('>End campaign</button>'); // nothing to end before it starts
    // One click asks first, saying how many people will be emailed; nothing happens yet (issue #14, defect 3).
    const asked = await marketer.post(`${campaignUrl}/launch`);
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toMatch(/<h1>Launch “Spring advocates”\?<\/h1>/);
    expect(asked.body).toMatch(/\d+ customers? will be emailed an invitation now/);
    expect(asked.body).toContain('name="confirm" value="yes"');
    expect((await marketer.get(campaignUrl)).body).toContain('>Launch</button>'); // still a draft
    const launched = await marketer.post(`${campaignUrl}/launch`, { confirm: 'yes' });
    expect(launched.statusCode).toBe(303);
    let page = await marketer.get(String(launched.headers.location));
    expect(page.body).toContain('Campaign launched');
    expect(page.body).toContain('>Pause</button>');
    expect(page.body).not.toContain('>Launch</button>');

    expect(page.body).toMatch(/Started at launch, [^;]+; runs until ended/);
    const again = await marketer.post(`${campaignUrl}/launch`, { confirm: 'yes' });
    expect(again.statusCode).toBe(409);
    expect(alertText(again.body)).toContain('Only a draft campaign can be launched');

    for (const [action, notice] of [['pause', 'Campaign paused'], ['resume', 'Campaign resumed'], ['test-send', 'Test invitation sent']]) {
      await marketer.get(campaignUrl);
      const res = await marketer.post(`${campaignUrl}/${action}`, action === 'test-send' ? { email: '' } : {});
      expect(res.statusCode).toBe(303);
      expect((await marketer.get(String(res.headers.location))).body).toContain(notice);
    }
    await marketer.get(campaignUrl);
    const refused = await marketer.post(`${campaignUrl}/test-send`, { email: 'ana@example.com' });
    expect(refused.statusCode).toBe(400);
    expect(alertText(refused.body)).toContain('Test sends go to staff addresses only');

    expect((await marketer.post(`${campaignUrl}/end`, {}, null)).statusCode).toBe(403); // no CSRF token
    await marketer.get(campaignUrl);
    const askedToEnd = await marketer.post(`${campaignUrl}/end`);
    expect(askedToEnd.statusCode).toBe(200);
    expect(askedToEnd.body).toContain('invitations not yet sent are cancelled');
    expect((await marketer.get(campaignUrl)).body).toContain('>Pause</button>'); // still running
    const ended = await marketer.post(`${campaignUrl}/end`, { confirm: 'yes' });
    page = await marketer.get(String(ended.headers.location));
    expect(page.body).toContain('Campaign ended.');
    expect(page.body).not.toContain('>Resume</button>');
    expect(page.body).not.toContain('href="' + campaignUrl + '/edit"');
  });

  it('lets a dealer read campaigns that include their location, without any action', async () => {
    const dealer = new FormBrowser(t.app);
    await dealer.signIn('dealer@example.com', PASSWORD);
    const list = await dealer.get('/dashboard/campaigns');
    expect(list.body).toContain('Spring advocates'); // all locations, theirs included
    expect(list.body).not.toContain('href="/dashboard/campaigns/new"');
    const page = await dealer.get(campaignUrl);
    expect(page.statusCode).toBe(200);
    for (const action of ['>Launch<', '>Pause<', '>Resume<', '>End campaign<', '>Send test<', '/edit"', '/dry-run"']) expect(page.body).not.toContain(action);
    expect(page.body).toContain('DLR-002 · Riverside');
    expect(page.body).not.toContain('DLR-001 · Downtown');
    expect((await dealer.get('/dashboard/campaigns/new')).statusCode).toBe(403);
    expect((await dealer.get(`${campaignUrl}/dry-run`)).statusCode).toBe(403);
  });
});
