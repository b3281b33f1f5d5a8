import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** A real Node process running one of the app's entry points (or a test script) from source. */
export class NodeProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(script: string, env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk) => (this.stdout += chunk));
    this.child.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.exited = new Promise((done, fail) => {
      this.child.on('error', fail);
      this.child.on('exit', (code, signal) => done({ code, signal }));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stdin() {
    return this.child.stdin!;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kills it if it still runs (test clean-up) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited.catch(() => undefined);
  }
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `src/cli.ts` with these arguments against a test app's data directory (and database, when it has one)
 * and waits for it to exit. Not spawnSync: that freezes this process's event loop, and a test app here holding a
 * database lock at that moment (the audit sealer's, a flush's) would keep the CLI waiting until its timeout.
 */
export async function runCli(args: string[], config: { dataDir: string; databaseUrl?: string }, timeoutMs = 120_000): Promise<CliRun> {
  const env = { PATH: process.env.PATH!, DATA_DIR: config.dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent', ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}) };
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const status = await new Promise<number | null>((done, fail) => {
      child.on('error', fail);
      child.on('close', (code) => done(code));
    });
    return { status, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}
