import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { AuditEvent } from '../src/audit/audit-event.entity';
import { cliActor } from '../src/common/actor';
import { CsvFormatError } from '../src/common/csv/csv-reader';
import { Location } from '../src/locations/location.entity';
import { LocationsImportService } from '../src/locations/locations-import.service';
import { LocationsService } from '../src/locations/locations.service';
import { createTestApp, TestApp } from './support/app';
import { tempDataDir } from './support/database';

const GOOD_AND_BAD = [
  '\uFEFFCode;Name;Address;City;Time Zone;Locale;Website URL;Review_URL;Manager Email;Notes',
  'dlr-001;Downtown;"742 Evergreen Terrace',
  'Suite 2";Springfield;America/Chicago;en-US;https://downtown.example.com;https://reviews.example.com/d;boss@example.com;ignored',
  ';No code;;;;;;;;',
  'DLR-002;;;;;;;;;',
  'DLR-003;Bad zone;;;Mars/Olympus;;;;;',
  'DLR-004;Bad email;;;;;;;not-an-email;',
  'DLR-005;Riverside;19 River Dr;Shelbyville;;;;;;',
  'DLR-001;Duplicate of line 2;;;;;;;;',
].join('\r\n');

const stream = (text: string) => Readable.from([Buffer.from(text)]);

describe.each(['postgres', 'sqlite'] as const)('locations CSV import on %s', (dialect) => {
  let t: TestApp;
  let sut: LocationsImportService;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    sut = t.app.get(LocationsImportService);
  });
  afterAll(() => t.close());
  const locations = () => t.app.get(DataSource).getRepository(Location).find({ order: { code: 'ASC' } });

  it('keeps good rows and reports each bad one with its line and reason', async () => {
    const report = await sut.import(stream(GOOD_AND_BAD), cliActor('test'));
    expect(report.created).toBe(2);
    expect(report.updated).toBe(0);
    expect(report.rejected).toEqual([
      { line: 4, code: undefined, reason: expect.stringContaining('code must be') },
      { line: 5, code: 'DLR-002', reason: expect.stringContaining('name must be') },
      { line: 6, code: 'DLR-003', reason: expect.stringContaining('timezone must be an IANA time zone') },
      { line: 7, code: 'DLR-004', reason: expect.stringContaining('managerEmail must be an email') },
      { line: 9, code: 'DLR-001', reason: 'Duplicate code, already on line 2' },
    ]);
    const rows = await locations();
    expect(rows.map((r) => r.code)).toEqual(['DLR-001', 'DLR-005']);
    expect(rows[0]).toMatchObject({
      name: 'Downtown',
      address: '742 Evergreen Terrace\r\nSuite 2',
      timezone: 'America/Chicago',
      reviewUrl: 'https://reviews.example.com/d',
      managerEmail: 'boss@example.com',
    });
    expect(rows[1].timezone).toBe('UTC');
  });

  it('re-importing updates by code, and a column missing from the file keeps its stored value', async () => {
    const before = await locations();
    const again = await sut.import(stream(GOOD_AND_BAD), cliActor('test'));
    expect(again).toMatchObject({ created: 0, updated: 2 });
    expect((await locations()).map(({ updatedAt, ...rest }) => rest)).toEqual(before.map(({ updatedAt, ...rest }) => rest));

    const rename = await sut.import(stream('code,name\nDLR-001,Downtown Renamed\n'), cliActor('test'));
    expect(rename).toMatchObject({ created: 0, updated: 1, rejected: [] });
    const [downtown] = await locations();
    expect(downtown).toMatchObject({ name: 'Downtown Renamed', city: 'Springfield', managerEmail: 'boss@example.com' });
  });

  it.each([
    ['an empty file', '', /empty/],
    ['a binary file', '\u0000\u0001PK\u0003\u0004', /not a CSV/],
    ['a file without a recognisable header', 'foo,bar\n1,2\n', /No recognisable header/],
    ['a file missing a required column', 'code,city\nX-1,Springfield\n', /Missing required column\(s\): name/],
  ])('refuses %s as a whole and writes nothing', async (_label, text, message) => {
    const count = (await locations()).length;
    await expect(sut.import(stream(text), cliActor('test'))).rejects.toThrow(CsvFormatError);
    await expect(sut.import(stream(text), cliActor('test'))).rejects.toThrow(message);
    expect(await locations()).toHaveLength(count);
  });

  it('shows imported and edited locations in the shared location index at once', async () => {
    const service = t.app.get(LocationsService);
    await service.index(); // warm the cache
    await sut.import(stream('code,name\nIDX-001,Index Town\n'), cliActor('test'));
    expect((await service.index()).byCode.get('IDX-001')?.name).toBe('Index Town');
    await service.update(cliActor('test'), 'IDX-001', { name: 'Index City' });
    expect((await service.index()).byCode.get('IDX-001')?.name).toBe('Index City');
  });

  it('audits each import with counts only', async () => {
    const events = await t.app.get(DataSource).getRepository(AuditEvent).findBy({ action: 'location.import' });
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events[0].details).toEqual({ created: 2, updated: 0, rejected: 5 });
  });
});

describe('npm run cli -- locations:import', () => {
  const dataDir = tempDataDir();
  const file = join(dataDir, 'locations.csv');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], {
      cwd: join(__dirname, '..'),
      env: { PATH: process.env.PATH!, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60000,
    });

  it('imports good rows, lists bad ones and exits non-zero when any row was rejected', () => {
    writeFileSync(file, GOOD_AND_BAD);
    const result = cli('locations:import', file);
    expect(result.stdout).toContain('created 2, updated 0, rejected 5');
    expect(result.stdout).toContain('line 6 (DLR-003): timezone must be an IANA time zone');
    expect(result.status).toBe(1);
  });

  it('exits 0 on a clean file and explains a missing file or command', () => {
    writeFileSync(file, 'code,name\nDLR-009,Clean\n');
    const clean = cli('locations:import', file);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('created 1, updated 0, rejected 0');

    const missing = cli('locations:import', join(dataDir, 'nope.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv: no such file/);

    const unknown = cli('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });
});
