import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { cliActor } from './common/actor';
import { loadConfigOrExit, lockDataDirOrExit } from './common/boot';
import { tuneGarbageCollector } from './common/runtime/gc-tuning';
import { CsvFormatError } from './common/csv/csv-reader';
import { createRootLogger, PinoNestLogger } from './common/logging/logger';
import { describeErrorSafely } from './common/logging/safe-error';
import { AppConfig } from './config/app-config';
import { buildDataSourceOptions } from './database/data-source-options';
import { runMigrations } from './database/migrate';
import { readDemoCredentials, saveDemoCredentials } from './demo/demo-credentials';
import { DemoSeedService } from './demo/demo-seed.service';
import { ApiKeysService } from './api-keys/api-keys.service';
import { LocationsImportService } from './locations/locations-import.service';
import { ImportFeedbackUseCase, ImportStoppedError } from './feedback/import-feedback.use-case';
import { ImportsRepository } from './feedback/imports.repository';
import { ColumnMapping, contractMapping, ExportPreview, parseMapping, previewExport, summariseExport } from './feedback/survey-export';
import { SAVED_MAPPING_NAME_MAX, SavedMappings } from './feedback/saved-mappings.service';
import { UsersService } from './users/users.service';
import { RosterService } from './insights/roster.service';
import { ClicksRepository } from './reach/clicks.repository';
import { AuditChain } from './audit/audit-chain';

/** A user-facing failure: printed as one line, exit code 1 (2 for usage errors). */
class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export const USAGE = `usage: npm run cli -- <command>
  migrate                      apply pending database migrations
  locations:import FILE        import or update locations from a CSV file
  feedback:import FILE [--mapping MAPPING.json] [--location CODE] [--save-mapping NAME] [--dry-run]
                               import feedback responses from a CSV file (prints accepted and rejected counts);
                               a survey-tool export is read through MAPPING.json (field → column header,
                               optional dateFormat such as M/d/yyyy H:mm:ss); --save-mapping keeps it under
                               NAME, used for the next file with the same header rows (here without
                               --mapping, and proposed on the upload page); without a mapping an export
                               is refused with the mapping to confirm; --dry-run only counts
  roster:import FILE           add or update staff rosters from a CSV file (location_code,first_name,role,never_match)
  demo:seed                    add demo data (locations, staff users, feedback, a campaign, recommendations)
  demo:credentials             show the demo users and passwords printed at the first start
  user:create --email E --role admin|marketer|dealer [--locations CODE,CODE] [--password-stdin]
                               create a staff user (prints a generated password once)
  apikey:create --name N       create an API key (prints it once)
  reach:rebuild --from DATE --to DATE
                               recompute the daily reach rollups of those UTC days (YYYY-MM-DD) from the click events
  audit:verify                 seal new audit rows, then walk the audit log's hash chain (exit 1 at the first row that doesn't fit)`;

function readableFile(path: string | undefined): string {
  if (!path) throw new CliError(`a FILE argument is required\n${USAGE}`, 2);
  if (!existsSync(path) || !statSync(path).isFile()) throw new CliError(`${path}: no such file`);
  return path;
}

/** The CLI produces work but never runs queue workers: a short-lived process must not take jobs. */
async function withApp<T>(config: AppConfig, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const producerOnly = new AppConfig({ ...config, role: 'api' } as AppConfig);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(producerOnly), {
    logger: new PinoNestLogger(createRootLogger('warn')),
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

type Options = Record<string, string | boolean | undefined>;

function requiredOption(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new CliError(`--${name} is required\n${USAGE}`, 2);
  return value.trim();
}

/** The first line of standard input, so a password never appears in argv or shell history. */
async function readStdinLine(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password: ');
  let input = '';
  for await (const chunk of process.stdin) {
    input += chunk;
    if (input.includes('\n')) break;
  }
  return input.split(/\r?\n/)[0];
}

/**
 * A file given without --mapping: a plain feedback CSV (UTF-8 text, the contract's columns) needs none (undefined);
 * one whose header rows match a saved mapping is read through it, and one with the contract's columns in another
 * form (.xlsx, UTF-16, Windows-1252) through them; any other export is refused with the proposed mapping to
 * confirm, in words.
 */
async function automaticMapping(path: string, app: INestApplicationContext): Promise<{ mapping: ColumnMapping; location?: string; note: string } | undefined> {
  let preview: ExportPreview;
  try {
    preview = await app.get(ImportFeedbackUseCase).preview(createReadStream(path), { whole: false });
  } catch {
    return undefined; // not readable as an export either: the plain reader says why
  }
  const contract = contractMapping(preview.header);
  if (contract && preview.decoding.encoding === 'utf-8') return undefined;
  const kept = await app.get(SavedMappings).forSignature(preview.header.signature);
  if (kept) return { mapping: kept.mapping, location: kept.locationCode ?? undefined, note: `reading ${basename(path)} through the mapping saved as "${kept.name}"` };
  if (contract) return { mapping: contract, note: `reading ${basename(path)} (${preview.decoding.encoding}) by its column names` };
  const { proposal, header } = preview;
  throw new CliError(
    [
      `${basename(path)} is a survey-tool export (${header.layout} layout, ${header.rows} header row${header.rows === 1 ? '' : 's'}, ${preview.decoding.encoding}): ` +
        'say which column is which in a MAPPING.json file and run again with --mapping MAPPING.json (add --save-mapping NAME to read the next file like it without asking).',
      `proposed mapping: ${JSON.stringify(proposal.mapping)}`,
      ...proposal.questions.map((question) => `to decide: ${question}`),
      ...(proposal.mapping.location ? [] : ['to decide: No location column: name the location of every row with --location CODE.']),
    ].join('\n'),
  );
}

/** Service errors (Nest HTTP exceptions) become one readable line. */
function describe(error: unknown): never {
  const response = (error as { getResponse?: () => unknown }).getResponse?.();
  const message = (response as { message?: unknown } | undefined)?.message;
  if (message) throw new CliError(Array.isArray(message) ? message.join('; ') : String(message));
  throw error;
}

export const COMMANDS: Record<string, (config: AppConfig, args: string[], options: Options) => Promise<void>> = {
  async migrate(config) {
    const dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
    try {
      const applied = await runMigrations(dataSource);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await dataSource.destroy();
    }
  },

  async 'locations:import'(config, [file]) {
    const path = readableFile(file);
    const report = await withApp(config, (app) =>
      app.get(LocationsImportService).import(createReadStream(path), cliActor('locations:import')),
    );
    console.log(`created ${report.created}, updated ${report.updated}, rejected ${report.rejected.length}`);
    for (const r of report.rejected) console.log(`  line ${r.line}${r.code ? ` (${r.code})` : ''}: ${r.reason}`);
    if (report.rejected.length > 0) process.exitCode = 1;
  },

  async 'roster:import'(config, [file]) {
    const path = readableFile(file);
    const report = await withApp(config, (app) => app.get(RosterService).import(createReadStream(path), cliActor('roster:import')));
    console.log(`created ${report.created}, updated ${report.updated}, rejected ${report.rejected.length}`);
    for (const r of report.rejected) console.log(`  line ${r.line}: ${r.reason}`);
    if (report.rejected.length > 0) process.exitCode = 1;
  },

  async 'feedback:import'(config, [file], options) {
    const path = readableFile(file);
    const shown = 50;
    const mappingFile = typeof options.mapping === 'string' ? readableFile(options.mapping) : undefined;
    let location = typeof options.location === 'string' ? options.location : undefined;
    const saveAs = typeof options['save-mapping'] === 'string' ? options['save-mapping'].trim() : undefined;
    if (options['save-mapping'] !== undefined && (!saveAs || !mappingFile)) throw new CliError('--save-mapping NAME needs a name and --mapping', 2);
    let mapping;
    try {
      mapping = mappingFile ? parseMapping(readFileSync(mappingFile, 'utf8')) : undefined;
    } catch (error) {
      throw new CliError(`${mappingFile}: ${(error as Error).message}`);
    }
    if (!mapping) {
      const found = await withApp(config, (app) => automaticMapping(path, app));
      if (found) {
        console.log(found.note);
        mapping = found.mapping;
        location ??= found.location;
      } else if (location) throw new CliError('--location applies to a file read through a mapping (this one is a plain feedback CSV)', 2);
    }
    if (options['dry-run']) {
      if (!mapping) throw new CliError('--dry-run reads a survey-tool export through a mapping (this file is a plain feedback CSV)', 2);
      const summary = await summariseExport(createReadStream(path), mapping).catch((error: Error) => {
        throw new CliError(`${path}: ${error.message}`);
      });
      console.log(
        `${summary.total} rows after ${summary.header.rows} header row(s) (${summary.header.layout}, ${summary.decoding.encoding}); ` +
          `scores ${summary.scoreOk}: promoters ${summary.promoters}, passives ${summary.passives}, detractors ${summary.detractors}; ` +
          `emails ${summary.emailOk}`,
      );
      for (const note of summary.notes) console.log(`note: ${note}`);
      return;
    }
    const { result, problems, rejected } = await withApp(config, async (app) => {
      const result = await app.get(ImportFeedbackUseCase).run({
        source: 'cli',
        filename: basename(path),
        input: createReadStream(path),
        actor: cliActor('feedback:import'),
        mapping,
        location,
      });
      if (saveAs && mapping && result.status === 'done') {
        const { header } = await previewExport(createReadStream(path), 0, { whole: false });
        await app.get(SavedMappings).save(cliActor('feedback:import'), { name: saveAs, signature: header.signature, mapping, locationCode: location });
        console.log(`mapping saved as "${saveAs.slice(0, SAVED_MAPPING_NAME_MAX)}"`);
      }
      const imports = app.get(ImportsRepository);
      const problems = result.rejected > 0 ? await imports.rejectionProblems(result.id) : [];
      return { result, problems, rejected: await imports.firstErrors(result.id, shown) };
    });
    console.log(
      `accepted ${result.accepted}, rejected ${result.rejected} ` +
        `(created ${result.created}, updated ${result.updated}, unchanged ${result.unchanged}); ` +
        `detractor alerts ${result.alerts}; import ${result.id}`,
    );
    if (result.notice) console.log(`note: ${result.notice}`);
    for (const p of problems) {
      const examples = p.examples.length ? ` (e.g. ${p.examples.join(', ')})` : '';
      console.log(`rejected ${p.rows} ${p.rows === 1 ? 'row' : 'rows'}: ${p.problem}${examples}${p.advice ? ` — ${p.advice}` : ''}`);
    }
    for (const r of rejected) console.log(`  line ${r.line}${r.responseId ? ` (${r.responseId})` : ''}: ${r.reason}`);
    if (result.rejected > shown) console.log(`  … and ${result.rejected - shown} more: GET /api/imports/${result.id}/errors?format=csv`);
    if (result.rejected > 0) process.exitCode = 1;
  },

  async 'demo:seed'(config) {
    if (config.isProduction) {
      throw new CliError('demo:seed refuses to run with NODE_ENV=production: demo users with printed passwords and made-up customers must never reach a live database');
    }
    const report = await withApp(config, (app) => app.get(DemoSeedService).seed(cliActor('demo:seed')));
    console.log(`demo locations added: ${report.locations.join(', ') || 'none (already there)'}`);
    console.log(`demo feedback responses added: ${report.feedback || 'none (already there)'}`);
    console.log(`demo recommendations added: ${report.recommendations || 'none (already there)'}`);
    for (const c of report.credentials) console.log(`  ${c.role.padEnd(8)} ${c.email}  password: ${c.password}`);
    if (!config.isProduction) saveDemoCredentials(config.dataDir, report.credentials);
  },

  async 'demo:credentials'(config) {
    const saved = config.isProduction ? null : readDemoCredentials(config.dataDir);
    if (!saved) throw new CliError(`no demo sign-ins saved in ${config.dataDir} (they are saved when the demo data is added, outside production)`);
    console.log('demo sign-ins as first printed (a password changed since then no longer works):');
    for (const c of saved) console.log(`  ${c.role.padEnd(8)} ${c.email}  password: ${c.password}`);
  },

  async 'user:create'(config, _args, options) {
    const email = requiredOption(options, 'email');
    const role = requiredOption(options, 'role');
    if (!['admin', 'marketer', 'dealer'].includes(role)) throw new CliError('--role must be admin, marketer or dealer', 2);
    const locations = typeof options.locations === 'string' ? options.locations.split(',').map((c) => c.trim()).filter(Boolean) : undefined;
    const password = options['password-stdin'] ? await readStdinLine() : undefined;
    const { user, password: generated } = await withApp(config, (app) =>
      app
        .get(UsersService)
        .create(cliActor('user:create'), { email, role: role as 'admin', locationCodes: locations, password })
        .catch(describe),
    );
    console.log(`created ${user.role} ${user.email} (${user.id})`);
    if (generated) console.log(`password (shown once): ${generated}`);
  },

  async 'reach:rebuild'(config, _args, options) {
    const [from, to] = [requiredOption(options, 'from'), requiredOption(options, 'to')];
    for (const day of [from, to]) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new CliError(`${day}: a date is YYYY-MM-DD`, 2);
    }
    if (from > to) throw new CliError('--from must not be after --to', 2);
    const linkDays = await withApp(config, (app) => app.get(ClicksRepository).rebuild(from, to));
    console.log(`reach rollups rebuilt for ${from} to ${to}: ${linkDays} link-days`);
  },

  async 'audit:verify'(config) {
    const report = await withApp(config, async (app) => {
      const chain = app.get(AuditChain);
      await chain.seal();
      return chain.verify();
    });
    if (!report.ok) {
      throw new CliError(`audit chain broken at row ${report.seq}${report.id ? ` (${report.id})` : ''}: ${report.problem}; the ${report.rows} rows before it are intact`);
    }
    console.log(`audit chain OK: ${report.rows} rows, head ${report.headHash}${report.unsealed ? `, ${report.unsealed} written since and not sealed yet` : ''}`);
  },

  async 'apikey:create'(config, _args, options) {
    const name = requiredOption(options, 'name');
    const { apiKey, key } = await withApp(config, (app) =>
      app.get(ApiKeysService).create(cliActor('apikey:create'), name).catch(describe),
    );
    console.log(`created API key "${apiKey.name}" (${apiKey.id})`);
    console.log(`key (shown once): ${key}`);
  },
};

async function main(argv: string[]) {
  tuneGarbageCollector();
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        locations: { type: 'string' },
        name: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        from: { type: 'string' },
        to: { type: 'string' },
        mapping: { type: 'string' },
        location: { type: 'string' },
        'save-mapping': { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`, 2);
  }
  const [command, ...args] = parsed.positionals;
  const run = command ? COMMANDS[command] : undefined;
  if (!run) throw new CliError(command ? `unknown command "${command}"\n${USAGE}` : USAGE, 2);
  const config = loadConfigOrExit();
  lockDataDirOrExit(config);
  await run(config, args, parsed.values);
}

// Run when started as a program; a test imports COMMANDS and USAGE (src/cli.spec.ts).
if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof CliError || error instanceof CsvFormatError || error instanceof ImportStoppedError) {
      process.stderr.write(`goodword: ${error.message}\n`);
      process.exit(error instanceof CliError ? error.exitCode : 1);
    }
    // Names, codes and frames only: a database error's message, detail and parameters may hold personal data.
    process.stderr.write(`goodword: ${describeErrorSafely(error)}\n`);
    process.exit(1);
  });
}
