import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from './data-dir-lock';

describe(lockDataDir.name, () => {
  let dir: string;
  const children: ChildProcess[] = [];
  const lockFile = () => join(dir, LOCK_FILE);
  /** A live process of the given program, for its PID. */
  const running = (command: string, args: string[]) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(command, args, { stdio: 'ignore' });
      children.push(child);
      child.once('spawn', () => resolve(child));
      child.once('error', reject);
    });

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goodword-lock-'))));
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes our PID, and release removes the lock', () => {
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid));
    release();
    expect(existsSync(lockFile())).toBe(false);
  });

  it('refuses a lock held by another live Node process, naming its PID', async () => {
    const holder = await running(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    writeFileSync(lockFile(), `${holder.pid}\n`);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(`(pid ${holder.pid})`);
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(holder.pid));
  });

  it.each([
    ['a process that has exited', async () => {
      const gone = await running(process.execPath, ['-e', '']);
      await new Promise((resolve) => gone.once('exit', resolve));
      return String(gone.pid);
    }],
    ['a PID reused by a program that is not Node', async () => String((await running('sleep', ['30'])).pid)],
    ['our own PID (a container restart)', async () => String(process.pid)],
    ['an empty file', async () => ''],
  ])('takes over a stale lock: %s', async (_what, content) => {
    writeFileSync(lockFile(), `${await content()}\n`);
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(process.pid));
    release();
  });
});
