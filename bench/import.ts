/**
 * `npm run bench:import [-- --rows 1000000] [--rounds 3] [--keep]`
 *
 * The feedback import quality bar (DESIGN.md): N realistic rows into PostgreSQL through the real import
 * (`feedback:import`, the compiled CLI: parse, validate, upsert, classify, alerts, audit) against the
 * same file through `psql \copy` into a staging table plus one `INSERT … SELECT … ON CONFLICT` per final
 * table (customers, responses), in the same run on the same machine. Memory: the import runs in a child
 * process per size (N/10 and N) and reports its peak RSS; flat means within 20%. The same N rows saved as
 * .xlsx go through the survey-export path (streaming workbook reader + mapping) and print their own line.
 * Needs PostgreSQL on 127.0.0.1 (database `test`, trust auth, or BENCH_DATABASE_URL) and `psql`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';

const ROOT = resolve(__dirname, '..');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const LOCATIONS = 50;
const DAY = 86_400_000;

const { values: args } = parseArgs({ options: { rows: { type: 'string' }, rounds: { type: 'string' }, keep: { type: 'boolean' } } });
const ROWS = Number((args.rows ?? '1000000').replace(/[_,]/g, ''));
if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error('--rows must be a whole number of at least 1000');
const SMALL = Math.round(ROWS / 10);
const ROUNDS = Number(args.rounds ?? '3');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a whole number of at least 1');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (kb: number) => `${fmt(kb / 1024)} MB`;
const sizeLabel = (n: number) => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : fmt(n));
const log = (message: string) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------------------------------------------
// Data: a deterministic generator shaped like a survey export.

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ana', 'Ben', 'Cara', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kim', 'Luis', 'Mia', 'Noor', 'Omar', 'Pia', 'Quinn', 'Rosa', 'Sam', 'Tia', 'Uma', 'Vic', 'Wen', 'Xavi', 'Yara', 'Zoe'];
const LAST = ['Silva', 'Ode', 'Lin', 'Rao', 'Park', 'Moss', 'Hale', 'Berg', 'Novak', 'Diaz', 'Kaur', 'Okafor', 'Rossi', 'Sato', 'Weber', "O'Neil", 'García', 'Müller'];
const PHRASES = [
  'Great service', 'the team explained everything', 'waited longer than promised', 'friendly staff', 'fair price',
  'the car was ready early', 'nobody called me back', 'clean waiting room', 'will come again', 'problem came back',
  'honest advice, no upselling', 'coffee was cold', 'they washed the car', 'booking online was easy', 'too expensive',
];

/** Writes `rows` data rows (plus the header) to `file`; returns when flushed. */
async function generate(file: string, rows: number): Promise<void> {
  const rnd = random(424242);
  const out = createWriteStream(file);
  const customers = Math.round(rows * 0.6);
  const now = Date.UTC(2026, 10, 20);
  let buffer = 'response_id,email,location_code,score,name,phone,comment,responded_at,visited_at,marketing_consent\n';
  for (let i = 0; i < rows; i++) {
    const c = i < customers ? i : Math.floor(rnd() * customers);
    const first = FIRST[c % FIRST.length];
    const last = LAST[Math.floor(c / FIRST.length) % LAST.length];
    const roll = rnd();
    const score = roll < 0.5 ? 9 + (rnd() < 0.6 ? 1 : 0) : roll < 0.78 ? 7 + (rnd() < 0.5 ? 1 : 0) : Math.floor(rnd() * 7);
    let comment = '';
    if (rnd() < 0.45) {
      const words = 1 + Math.floor(rnd() * 4);
      comment = Array.from({ length: words }, () => PHRASES[Math.floor(rnd() * PHRASES.length)]).join(', ') + '.';
      if (rnd() < 0.02) comment += '\nSent from my phone';
      comment = `"${comment.replace(/"/g, '""')}"`;
    }
    const responded = new Date(now - Math.floor(rnd() * 730 * DAY));
    const visited = new Date(responded.getTime() - (1 + Math.floor(rnd() * 3)) * DAY);
    const consent = rnd() < 0.6 ? 'yes' : rnd() < 0.8 ? 'no' : '';
    const phone = rnd() < 0.4 ? `+1 555 ${String(c % 10000).padStart(4, '0')}` : '';
    buffer +=
      `SRV-${String(i + 1).padStart(8, '0')},` +
      `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}.${c}@example.com,` +
      `BEN-${String((c % LOCATIONS) + 1).padStart(3, '0')},${score},"${first} ${last}",${phone},${comment},` +
      `${responded.toISOString()},${visited.toISOString().slice(0, 10)},${consent}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise<void>((r, j) => out.on('finish', r).on('error', j));
}

/** The CSV as an .xlsx workbook (streamed, inline strings, numbers as numbers), as a spreadsheet tool saves it. */
async function toXlsx(csv: string, file: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('Responses');
  let header = true;
  for await (const cells of createReadStream(csv).pipe(parseCsv()) as AsyncIterable<string[]>) {
    sheet.addRow(header ? cells : cells.map((cell) => (/^\d+$/.test(cell) && cell.length < 6 ? Number(cell) : cell))).commit();
    header = false;
  }
  sheet.commit();
  await workbook.commit();
}

/** The generated file's columns as a survey-export mapping (the .xlsx goes through the mapping path). */
const XLSX_MAPPING = {
  responseId: 'response_id', email: 'email', location: 'location_code', score: 'score', name: 'name', phone: 'phone',
  comment: 'comment', respondedAt: 'responded_at', marketingConsent: 'marketing_consent',
};

function locationsCsv(file: string): void {
  const lines = ['code,name,city,timezone,manager_email'];
  for (let i = 1; i <= LOCATIONS; i++) {
    const code = `BEN-${String(i).padStart(3, '0')}`;
    lines.push(`${code},Bench Motors ${i},Springfield,America/Chicago,manager.${i}@example.com`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------------------
// Running things.

function urlFor(schema: string): string {
  const url = new URL(DATABASE_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}

function run(command: string, argv: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(command, argv, {
    cwd: ROOT,
    // The build lives outside the repository: let it find the repository's packages.
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env },
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${argv.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** A fresh schema with every migration and the bench locations, through the CLI. */
function prepareSchema(dist: string, schema: string, dataDir: string, locations: string): Record<string, string> {
  const env = { DATABASE_URL: urlFor(schema), DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  run(process.execPath, [join(dist, 'cli.js'), 'migrate'], env);
  run(process.execPath, [join(dist, 'cli.js'), 'locations:import', locations], env);
  return env;
}

async function withClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface ImportRun {
  rows: number;
  seconds: number;
  rate: number;
  maxRssKb: number;
}

/** The real import in its own process: `node dist/cli.js feedback:import FILE`, timed by the import record. */
async function importRun(dist: string, work: string, file: string, rows: number, locations: string, extra: string[] = []): Promise<ImportRun> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const env = prepareSchema(dist, schema, join(work, 'data'), locations);
  const rssFile = join(work, `rss-${schema}.txt`);
  try {
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
    run(process.execPath, [...profile, '-r', join(work, 'rss-probe.js'), join(dist, 'cli.js'), 'feedback:import', file, ...extra], {
      ...env,
      BENCH_RSS_FILE: rssFile,
    });
    const [row] = await withClient(async (client) =>
      (await client.query(`SELECT rows_total, accepted, started_at, finished_at FROM "${schema}".feedback_import`)).rows,
    );
    if (Number(row.accepted) !== rows) throw new Error(`import accepted ${row.accepted} of ${rows} rows`);
    const seconds = (new Date(row.finished_at).getTime() - new Date(row.started_at).getTime()) / 1000;
    return { rows, seconds, rate: rows / seconds, maxRssKb: Number(readFileSync(rssFile, 'utf8')) };
  } finally {
    if (!args.keep) await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  }
}

/** psql \copy into a staging table, then one INSERT … SELECT … ON CONFLICT per final table, in one psql session. */
async function baselineRun(dist: string, work: string, file: string, rows: number, locations: string): Promise<{ seconds: number; rate: number }> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  prepareSchema(dist, schema, join(work, 'data'), locations);
  const consent = (c: string) => `CASE lower(${c}) WHEN 'yes' THEN true WHEN 'true' THEN true WHEN '1' THEN true WHEN 'no' THEN false WHEN 'false' THEN false WHEN '0' THEN false END`;
  const segment = (s: string) => `CASE WHEN ${s} >= 9 THEN 'promoter' WHEN ${s} >= 7 THEN 'passive' ELSE 'detractor' END`;
  const script = `
\\set ON_ERROR_STOP on
SET search_path TO "${schema}";
CREATE TEMP TABLE staging (response_id text, email text, location_code text, score text, name text, phone text,
  comment text, responded_at text, visited_at text, marketing_consent text);
\\copy staging FROM '${file}' WITH (FORMAT csv, HEADER true)
INSERT INTO customer (email, name, phone, marketing_consent, latest_score, latest_segment, latest_location_id, latest_responded_at)
SELECT DISTINCT ON (lower(trim(s.email))) lower(trim(s.email)), nullif(s.name, ''), nullif(s.phone, ''),
       coalesce(${consent('s.marketing_consent')}, false), s.score::smallint, ${segment('s.score::smallint')}, l.id, s.responded_at::timestamptz
FROM staging s JOIN location l ON l.code = upper(trim(s.location_code))
ORDER BY lower(trim(s.email)), s.responded_at::timestamptz DESC
ON CONFLICT (email) DO UPDATE SET name = excluded.name, phone = excluded.phone, marketing_consent = excluded.marketing_consent,
  latest_score = excluded.latest_score, latest_segment = excluded.latest_segment, latest_location_id = excluded.latest_location_id,
  latest_responded_at = excluded.latest_responded_at, updated_at = now();
INSERT INTO feedback_response (response_id, customer_id, location_id, score, segment, comment, name, phone, responded_at, visited_at,
  marketing_consent, import_seq)
SELECT s.response_id, c.id, l.id, s.score::smallint, ${segment('s.score::smallint')}, nullif(s.comment, ''), nullif(s.name, ''),
       nullif(s.phone, ''), s.responded_at::timestamptz, nullif(s.visited_at, '')::timestamptz, ${consent('s.marketing_consent')},
       row_number() OVER ()
FROM staging s JOIN customer c ON c.email = lower(trim(s.email)) JOIN location l ON l.code = upper(trim(s.location_code))
ON CONFLICT (response_id) DO UPDATE SET customer_id = excluded.customer_id, location_id = excluded.location_id, score = excluded.score,
  segment = excluded.segment, comment = excluded.comment, name = excluded.name, phone = excluded.phone,
  responded_at = excluded.responded_at, visited_at = excluded.visited_at, marketing_consent = excluded.marketing_consent,
  import_seq = excluded.import_seq, updated_at = now();
`;
  try {
    const url = new URL(DATABASE_URL);
    const started = process.hrtime.bigint();
    run('psql', ['-X', '-q', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username) || 'postgres', '-d', url.pathname.slice(1)], {}, script);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stored = await withClient(async (client) => Number((await client.query(`SELECT COUNT(*) AS n FROM "${schema}".feedback_response`)).rows[0].n));
    if (stored !== rows) throw new Error(`baseline stored ${stored} of ${rows} rows`);
    return { seconds, rate: rows / seconds };
  } finally {
    if (!args.keep) await withClient((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  }
}

/** Compiles src/ with tsc into the work dir (type errors elsewhere in the tree don't stop the bench). */
function build(work: string): string {
  const dist = join(work, 'dist');
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', dist, '--sourceMap', 'false'], { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(join(dist, 'cli.js'))) throw new Error('build failed: dist/cli.js was not emitted');
  return dist;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'goodword-bench-import-'));
  try {
    log(`bench:import — ${fmt(ROWS)} rows (memory also at ${fmt(SMALL)}) in ${work}`);
    writeFileSync(
      join(work, 'rss-probe.js'),
      "process.on('exit', () => require('fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n",
    );
    const locations = join(work, 'locations.csv');
    locationsCsv(locations);
    let t = Date.now();
    const big = join(work, 'feedback-big.csv');
    const small = join(work, 'feedback-small.csv');
    await generate(big, ROWS);
    await generate(small, SMALL);
    log(`  generated the files in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    const dist = build(work);
    log(`  compiled the app in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // Rounds of the baseline then the import, each import set against the baseline just before it: on a shared
    // machine either can run 20% slower than the other at times, so the ratio is the median round's (the lower middle one
    // for an even count).
    const rounds: { baseline: { seconds: number; rate: number }; large: ImportRun; ratio: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const baseline = await baselineRun(dist, work, big, ROWS, locations);
      log(`  round ${round}: psql \\copy + upsert: ${fmt(ROWS)} rows in ${baseline.seconds.toFixed(1)} s = ${fmt(baseline.rate)} rows/s`);
      const large = await importRun(dist, work, big, ROWS, locations);
      log(`  round ${round}: import @${sizeLabel(ROWS)}: ${large.seconds.toFixed(1)} s = ${fmt(large.rate)} rows/s, peak RSS ${mb(large.maxRssKb)} → ${(large.rate / baseline.rate).toFixed(2)}×`);
      rounds.push({ baseline, large, ratio: large.rate / baseline.rate });
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
    const { baseline, large } = median;
    const peakKb = Math.max(...rounds.map((r) => r.large.maxRssKb));
    const little = await importRun(dist, work, small, SMALL, locations);
    log(`  import @${sizeLabel(SMALL)}: ${little.seconds.toFixed(1)} s = ${fmt(little.rate)} rows/s, peak RSS ${mb(little.maxRssKb)}`);

    // The same rows as .xlsx, through the survey-export path (streaming workbook reader, mapping).
    t = Date.now();
    const bigXlsx = join(work, 'feedback-big.xlsx');
    const smallXlsx = join(work, 'feedback-small.xlsx');
    await toXlsx(big, bigXlsx);
    await toXlsx(small, smallXlsx);
    log(`  wrote the .xlsx copies in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const mappingFile = join(work, 'mapping.json');
    writeFileSync(mappingFile, JSON.stringify(XLSX_MAPPING));
    const largeXlsx = await importRun(dist, work, bigXlsx, ROWS, locations, ['--mapping', mappingFile]);
    log(`  import .xlsx @${sizeLabel(ROWS)}: ${largeXlsx.seconds.toFixed(1)} s = ${fmt(largeXlsx.rate)} rows/s, peak RSS ${mb(largeXlsx.maxRssKb)}`);
    const littleXlsx = await importRun(dist, work, smallXlsx, SMALL, locations, ['--mapping', mappingFile]);
    log(`  import .xlsx @${sizeLabel(SMALL)}: ${littleXlsx.seconds.toFixed(1)} s = ${fmt(littleXlsx.rate)} rows/s, peak RSS ${mb(littleXlsx.maxRssKb)}`);
    const xlsxGrowth = largeXlsx.maxRssKb / littleXlsx.maxRssKb - 1;
    console.log(
      `import (.xlsx): ${fmt(largeXlsx.rate)} rows/s, peak RSS ${mb(littleXlsx.maxRssKb)} @${sizeLabel(SMALL)} / ${mb(largeXlsx.maxRssKb)} @${sizeLabel(ROWS)}` +
        ` — ${(largeXlsx.rate / baseline.rate).toFixed(2)}× psql \\copy + upsert of the CSV (memory ${xlsxGrowth >= 0 ? '+' : ''}${Math.round(xlsxGrowth * 100)}%)`,
    );

    const ratio = median.ratio;
    const growth = peakKb / little.maxRssKb - 1;
    const verdict = ratio >= 0.8 && Math.abs(growth) <= 0.2 ? 'PASS' : 'FAIL';
    console.log(
      `import: ${fmt(large.rate)} rows/s, peak RSS ${mb(little.maxRssKb)} @${sizeLabel(SMALL)} / ${mb(peakKb)} @${sizeLabel(ROWS)}` +
        ` — ${ratio.toFixed(2)}× psql \\copy + upsert (target ≥ 0.8×, median of ${rounds.length} rounds: ${rounds.map((r) => `${r.ratio.toFixed(2)}×`).join(', ')};` +
        ` flat memory ±20%: ${growth >= 0 ? '+' : ''}${Math.round(growth * 100)}%) ${verdict}`,
    );
    process.exitCode = verdict === 'PASS' ? 0 : 1;
  } finally {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
    else log(`  kept ${work}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:import failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
