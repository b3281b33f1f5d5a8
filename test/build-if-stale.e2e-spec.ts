import { mkdirSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDataDir } from './support/database';

// Plain JavaScript: the script runs before anything is compiled.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt, isStale, OUTPUTS } = require('../scripts/build-if-stale.js') as {
  ensureBuilt(root: string, build: () => void): boolean;
  isStale(root: string): boolean;
  OUTPUTS: string[];
};

/** `npm start` / `npm run cli` build only when dist is missing or the sources changed. */
describe('build-if-stale', () => {
  let root: string;
  let builds: number;
  /** Stands in for `nest build`: it deletes and re-emits dist, like deleteOutDir does. */
  const build = () => {
    builds++;
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    mkdirSync(join(root, 'dist'));
    for (const file of OUTPUTS) writeFileSync(join(root, 'dist', file), '');
  };

  beforeEach(() => {
    root = tempDataDir('goodword-build-');
    builds = 0;
    mkdirSync(join(root, 'src', 'users'), { recursive: true });
    writeFileSync(join(root, 'src', 'main.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src', 'users', 'users.service.ts'), 'export const b = 1;\n');
    writeFileSync(join(root, 'package.json'), '{}\n');
    writeFileSync(join(root, 'tsconfig.json'), '{}\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds a fresh clone (no dist), then skips while nothing changed', () => {
    expect(isStale(root)).toBe(true);
    expect(ensureBuilt(root, build)).toBe(true);
    expect(isStale(root)).toBe(false);
    expect(ensureBuilt(root, build)).toBe(false);
    expect(ensureBuilt(root, build)).toBe(false);
    expect(builds).toBe(1);
  });

  it.each([
    ['a source edited', (r: string) => writeFileSync(join(r, 'src', 'users', 'users.service.ts'), 'export const b = 2;\n')],
    ['a source added', (r: string) => writeFileSync(join(r, 'src', 'users', 'extra.ts'), 'export const c = 1;\n')],
    ['a source deleted', (r: string) => unlinkSync(join(r, 'src', 'users', 'users.service.ts'))],
    ['a source renamed', (r: string) => {
      unlinkSync(join(r, 'src', 'main.ts'));
      writeFileSync(join(r, 'src', 'main2.ts'), 'export const a = 1;\n');
    }],
    ['the TypeScript config changed', (r: string) => writeFileSync(join(r, 'tsconfig.json'), '{"compilerOptions":{}}\n')],
    ['dependencies changed', (r: string) => writeFileSync(join(r, 'package-lock.json'), '{"lockfileVersion":3}\n')],
    ['an entry point is missing from dist', (r: string) => unlinkSync(join(r, 'dist', 'cli.js'))],
    ['the stamp is gone (a plain `npm run build` or `nest start --watch` replaced dist)', (r: string) => unlinkSync(join(r, 'dist', '.build-stamp'))],
  ])('rebuilds when %s', (_what, change) => {
    ensureBuilt(root, build);
    change(root);
    expect(isStale(root)).toBe(true);
    expect(ensureBuilt(root, build)).toBe(true);
    expect(builds).toBe(2);
    expect(isStale(root)).toBe(false);
  });

  it('compares contents, not times: a touched file or one restored with an old time is judged by what it holds', () => {
    ensureBuilt(root, build);
    const file = join(root, 'src', 'main.ts');
    utimesSync(file, new Date(), new Date(Date.now() + 60_000));
    expect(isStale(root)).toBe(false);
    writeFileSync(file, 'export const a = 3;\n');
    utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(isStale(root)).toBe(true);
  });

  it('a failed build leaves dist stale', () => {
    expect(() => ensureBuilt(root, () => {
      throw new Error('tsc failed');
    })).toThrow('tsc failed');
    expect(isStale(root)).toBe(true);
  });
});
