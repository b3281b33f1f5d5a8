import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MODULE_METADATA } from '@nestjs/common/constants';

/**
 * The module rules of docs/ARCHITECTURE.md, checked on the source: a module writes only its own tables,
 * reaches other modules through their exported services (never their repositories), exports no
 * repository, reads other modules' tables only in its read models (`*.read-model.ts`), and those never write.
 */

const SRC = __dirname;

/** Work in progress elsewhere, each with its way out; an exception no longer needed fails the test too. */
const EXCEPTIONS = {
  /** `module file: exported class` */
  exportedRepositories: new Set<string>([]),
  /** `file: imported module/file` */
  foreignRepositoryImports: new Set<string>([]),
  /** `file: table` */
  foreignWrites: new Set([
    // The send path's one-statement claim leases the invitations it is about to send (joining campaign,
    // customer and suppression to re-check them); the lease could move behind InvitationsService as a
    // claim taking those facts from a read model, at the cost of a second round trip per batch.
    'campaigns/delivery.repository.ts: invitation',
  ]),
  /** Files that join other modules' tables without being named read models. */
  unnamedReadModels: new Set([
    // The delivery read model (invitation + customer + comment + location + campaign + preference
    // token); it becomes delivery.read-model.ts once the send path's writes have left it.
    'campaigns/delivery.repository.ts',
  ]),
};

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const rel = (path: string) => relative(SRC, path).split(sep).join('/');
/** The module a file belongs to: its top folder under src/ (src/sharing/x is the sharing module). */
const moduleOf = (file: string) => (file.includes('/') ? file.split('/')[0] : null);
const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

const files = sourceFiles().map((path) => ({ path, file: rel(path), text: stripComments(readFileSync(path, 'utf8')) }));

/** Each table with the module that owns it (where its entity is declared), and each entity class's table. */
const tables = new Map<string, string>();
const entityTables = new Map<string, string>();
for (const { file, text } of files) {
  for (const match of text.matchAll(/@Entity\(\s*'([a-z_]+)'[^)]*\)[\s\S]*?export class (\w+)/g)) {
    tables.set(match[1], moduleOf(file)!);
    entityTables.set(match[2], match[1]);
  }
}

/** Tables a source text writes: raw SQL and TypeORM calls naming an entity class. */
function writesIn(text: string): Set<string> {
  const written = new Set<string>();
  for (const match of text.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)\b/g)) {
    if (tables.has(match[1])) written.add(match[1]);
  }
  const entityWrite = /\.(?:insert|update|delete|upsert|save|remove|softDelete|increment|decrement|create|into)\(\s*(\w+)\s*[,)]/g;
  for (const match of text.matchAll(entityWrite)) {
    const table = entityTables.get(match[1]);
    if (table) written.add(table);
  }
  return written;
}

/** Tables a source text reads: raw SQL FROM/JOIN and TypeORM finds naming an entity class. */
function readsIn(text: string): Set<string> {
  const read = new Set<string>();
  for (const match of text.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)\b/g)) {
    if (tables.has(match[1])) read.add(match[1]);
  }
  const entityRead = /\.(?:find|findOne|findBy|findOneBy|findAndCount|count|countBy|exists|existsBy|getRepository)\(\s*(\w+)\s*[,)]/g;
  for (const match of text.matchAll(entityRead)) {
    const table = entityTables.get(match[1]);
    if (table) read.add(table);
  }
  return read;
}

describe('module boundaries', () => {
  it('finds the tables and who owns them', () => {
    // Guards the scanner itself: if it found nothing, every check below would pass vacuously.
    expect(tables.get('invitation')).toBe('invitations');
    expect(tables.get('campaign')).toBe('campaigns');
    expect(tables.get('tracked_link')).toBe('reach');
    expect(tables.get(entityTables.get('XPost')!)).toBe('sharing');
    expect(writesIn(`await manager.update(Invitation, { id }, {})`)).toEqual(new Set(['invitation']));
    expect(writesIn('INSERT INTO marketing_message (id) VALUES (1)')).toEqual(new Set(['marketing_message']));
    expect(readsIn('SELECT 1 FROM invitation i JOIN recommendation r ON r.id = i.id')).toEqual(new Set(['invitation', 'recommendation']));
    expect(readsIn('manager.find(TrackedLink, { where })')).toEqual(new Set(['tracked_link']));
  });

  it('lets a module write only its own tables', () => {
    const found: string[] = [];
    for (const { file, text } of files) {
      const module = moduleOf(file);
      if (!module || module === 'database') continue;
      for (const table of writesIn(text)) {
        if (tables.get(table) !== module) found.push(`${file}: ${table}`);
      }
    }
    expect(found.filter((f) => !EXCEPTIONS.foreignWrites.has(f))).toEqual([]);
    expect([...EXCEPTIONS.foreignWrites].filter((e) => !found.includes(e))).toEqual([]); // stale exceptions
  });

  it("never imports another module's repository", () => {
    const found: string[] = [];
    for (const { file, text } of files) {
      const module = moduleOf(file);
      if (!module) continue;
      for (const match of text.matchAll(/from '((?:\.\.\/)+)([a-z-]+)\/([\w./-]*\.repository)'/g)) {
        const target = match[2];
        if (target !== module) found.push(`${file}: ${target}/${match[3]}`);
      }
    }
    expect(found.filter((f) => !EXCEPTIONS.foreignRepositoryImports.has(f))).toEqual([]);
    expect([...EXCEPTIONS.foreignRepositoryImports].filter((e) => !found.includes(e))).toEqual([]);
  });

  it('exports no repository from any module', () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const repositories = new Set<unknown>();
    for (const { path } of files.filter((f) => f.file.endsWith('.repository.ts'))) {
      for (const value of Object.values(require(path) as Record<string, unknown>)) if (typeof value === 'function') repositories.add(value);
    }
    expect(repositories.size).toBeGreaterThan(5);
    const found: string[] = [];
    let modules = 0;
    for (const { path, file } of files.filter((f) => f.file.endsWith('.module.ts'))) {
      for (const value of Object.values(require(path) as Record<string, unknown>)) {
        const exported = typeof value === 'function' ? (Reflect.getMetadata(MODULE_METADATA.EXPORTS, value) as unknown[] | undefined) : undefined;
        if (!exported) continue;
        modules++;
        for (const item of exported) {
          if (repositories.has(item) || (typeof item === 'function' && /Repository$/.test(item.name))) found.push(`${file}: ${(item as { name: string }).name}`);
        }
      }
    }
    expect(modules).toBeGreaterThan(10);
    expect(found.filter((f) => !EXCEPTIONS.exportedRepositories.has(f))).toEqual([]);
    expect([...EXCEPTIONS.exportedRepositories].filter((e) => !found.includes(e))).toEqual([]);
  });

  it("reads other modules' tables only in read models (*.read-model.ts); otherwise through their services", () => {
    const found = new Set<string>();
    for (const { file, text } of files) {
      const module = moduleOf(file);
      if (!module || module === 'database' || file.endsWith('.read-model.ts')) continue;
      const foreign = [...readsIn(text)].filter((table) => tables.get(table) !== module);
      if (foreign.length > 0) found.add(file);
    }
    expect([...found].filter((f) => !EXCEPTIONS.unnamedReadModels.has(f))).toEqual([]);
    expect([...EXCEPTIONS.unnamedReadModels].filter((e) => !found.has(e))).toEqual([]);
  });

  it('keeps read models read-only', () => {
    const readModels = files.filter((f) => f.file.endsWith('.read-model.ts'));
    expect(readModels.map((f) => f.file)).toEqual(expect.arrayContaining(['campaigns/eligibility.read-model.ts', 'campaigns/funnel.read-model.ts']));
    for (const { file, text } of readModels) expect({ file, writes: [...writesIn(text)] }).toEqual({ file, writes: [] });
  });
});
