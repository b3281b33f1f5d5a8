import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDataDir } from './support/database';

const ROOT = join(__dirname, '..');
const CLOSING = /demo:credentials\n─+\n/;

/** A real first `npm start` (development, default log level); resolves with its output once the closing block is out. */
function start(dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  const env = { PATH: process.env.PATH!, DATA_DIR: dataDir, PORT: '0' };
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (CLOSING.test(output)) resolve({ child, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('npm start: a quiet start that ends with the URL and the demo sign-ins (real process)', () => {
  const dataDir = tempDataDir();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('first start: a few lines, then one block with the URL, every demo user and password, and how to see them again', async () => {
    const first = await start(dataDir);
    children.push(first.child);
    const text = first.output();
    const block = text.slice(text.indexOf('Goodword is running'));
    expect(block).toMatch(/^Goodword is running at http:\/\/\S+/);
    for (const role of ['admin', 'marketer', 'dealer']) expect(block).toMatch(new RegExp(`${role}\\s+${role}@example\\.com\\s+password: \\S{16,}`));
    expect(block).toContain('npm run cli -- demo:credentials');
    // Nest's module and route lines (about 200) are not in a normal start's output.
    expect(text).not.toMatch(/Mapped \{|InstanceLoader|RoutesResolver/);
    expect(text.slice(0, text.indexOf('Goodword is running')).trim().split('\n').length).toBeLessThan(20);
    await stop(first.child);

    // A later start: no passwords (they were printed once), but how to see them again.
    const second = await start(dataDir);
    children.push(second.child);
    const again = second.output();
    expect(again).not.toContain('password:');
    expect(again).toMatch(/See the demo sign-ins again: npm run cli -- demo:credentials/);
  }, 180_000);
});
