/** What the server says when it is ready: the last lines of its start, so nothing scrolls them away. */
export interface StartupFacts {
  url: string;
  storage: string;
  jobs: string;
  mail: string;
  /** Demo sign-ins created by this start (first start only). */
  credentials?: { email: string; role: string; password: string }[];
  /** True when demo sign-ins were saved before (a later start): say how to see them again. */
  demoSaved?: boolean;
}

const SEE_AGAIN = 'See the demo sign-ins again: npm run cli -- demo:credentials';

export function startupBanner(facts: StartupFacts): string {
  const rule = '─'.repeat(64);
  const lines = ['', rule, `  Goodword is running at ${facts.url}`, `  ${facts.storage} · ${facts.jobs} · ${facts.mail}`];
  if (facts.credentials?.length) {
    const width = Math.max(...facts.credentials.map((c) => c.email.length));
    lines.push('', `  Sign in at ${facts.url}/login with a demo user:`);
    for (const c of facts.credentials) lines.push(`    ${c.role.padEnd(9)} ${c.email.padEnd(width)}  password: ${c.password}`);
    lines.push('', `  ${SEE_AGAIN}`);
  } else if (facts.demoSaved) {
    lines.push('', `  ${SEE_AGAIN}`);
  }
  lines.push(rule, '');
  return `${lines.join('\n')}\n`;
}
