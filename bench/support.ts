import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/** Starts a bench helper in its own process (so the load generator doesn't share its event loop) and waits for its ready message. */
export function startChild<T>(script: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(join(__dirname, script), [], {
    execArgv: [...(script.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : []), ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), ...(script.startsWith('bare') ? [] : (process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []))],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (ready) => resolve({ child, ready: ready as T }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
