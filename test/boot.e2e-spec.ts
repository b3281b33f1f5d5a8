import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDataDir } from './support/database';

const ROOT = join(__dirname, '..');

function boot(env: Record<string, string>) {
  const dataDir = tempDataDir();
  try {
    return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH!, DATA_DIR: dataDir, NODE_ENV: 'test', ...env },
      encoding: 'utf8',
      timeout: 60000,
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('boot with bad configuration', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://db' }, 'DATABASE_URL'],
    [{ GOODWORD_ROLE: 'worker' }, 'GOODWORD_ROLE'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
  ])('stops at once with one line naming the variable: %p', (env, variable) => {
    const result = boot(env as Record<string, string>);
    expect(result.status).toBe(78);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^goodword: invalid configuration: .*${variable}`));
  });
});
