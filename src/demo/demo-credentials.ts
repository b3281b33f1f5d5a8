import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoCredential {
  email: string;
  role: string;
  password: string;
}

/** Where a development install keeps the demo sign-ins, next to its generated secrets (never in production). */
export function demoCredentialsPath(dataDir: string): string {
  return join(dataDir, 'demo-credentials.json');
}

/** Keeps the demo passwords printed at first start, readable by this user only, for `demo:credentials`. */
export function saveDemoCredentials(dataDir: string, credentials: DemoCredential[]): void {
  if (credentials.length === 0) return;
  mkdirSync(dataDir, { recursive: true });
  const path = demoCredentialsPath(dataDir);
  writeFileSync(path, `${JSON.stringify({ savedAt: new Date().toISOString(), credentials }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function readDemoCredentials(dataDir: string): DemoCredential[] | null {
  const path = demoCredentialsPath(dataDir);
  if (!existsSync(path)) return null;
  return (JSON.parse(readFileSync(path, 'utf8')) as { credentials: DemoCredential[] }).credentials;
}
