import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { LOCK_FILE } from '../src/database/data-dir-lock';
import { tempDataDir } from './support/database';

const ROOT = join(__dirname, '..');
const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

function env(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH!, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', ...extra };
}

/** A real `npm start` process (from source); resolves once it says it is serving. */
function startServer(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...TS_NODE, 'src/main.ts'], { cwd: ROOT, env: env(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Goodword is running')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before serving:\n${output}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describe('SQLite DATA_DIR is for one process (real processes)', () => {
  const dataDir = tempDataDir();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) await stop(child, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second server or CLI on the same DATA_DIR refuses to start with one line; a dead owner’s lock does not block a restart', async () => {
    const first = await startServer(dataDir);
    children.push(first);
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(first.pid));

    const second = spawnSync(process.execPath, [...TS_NODE, 'src/main.ts'], { cwd: ROOT, env: env(dataDir), encoding: 'utf8', timeout: 60000 });
    expect(second.status).toBe(75);
    expect(second.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^goodword: DATA_DIR .* is in use by another Goodword process \\(pid ${first.pid}\\): SQLite is for one process`)),
    ]);

    const cli = spawnSync(process.execPath, [...TS_NODE, 'src/cli.ts', 'migrate'], { cwd: ROOT, env: env(dataDir), encoding: 'utf8', timeout: 60000 });
    expect(cli.status).toBe(75);
    expect(cli.stderr).toContain(`in use by another Goodword process (pid ${first.pid})`);

    // kill -9 leaves the lock file behind, naming a process that no longer exists.
    await stop(first, 'SIGKILL');
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(first.pid));
    const restarted = await startServer(dataDir);
    children.push(restarted);
    expect(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim()).toBe(String(restarted.pid));
    await stop(restarted, 'SIGKILL');

    // A CLI run ends normally and leaves no lock behind.
    rmSync(join(dataDir, LOCK_FILE));
    const migrate = spawnSync(process.execPath, [...TS_NODE, 'src/cli.ts', 'migrate'], { cwd: ROOT, env: env(dataDir), encoding: 'utf8', timeout: 60000 });
    expect(migrate.stderr).toBe('');
    expect(migrate.status).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});

describe('a port in use (real process)', () => {
  const dataDir = tempDataDir();
  let blocker: Server;
  beforeAll(() => new Promise<void>((resolve) => (blocker = createServer().listen(0, '127.0.0.1', () => resolve()))));
  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops with one line naming the port and PORT, no stack', () => {
    const port = (blocker.address() as AddressInfo).port;
    const result = spawnSync(process.execPath, [...TS_NODE, 'src/main.ts'], {
      cwd: ROOT,
      env: env(dataDir, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }),
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`goodword: port ${port} is in use: set PORT to a free port, or stop the process using it`]);
    expect(result.stdout).not.toMatch(/EADDRINUSE|\n\s+at /);
  });
});
