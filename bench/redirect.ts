/**
 * bench:redirect — the tracked-link redirect against a bare Node http server answering the same 302,
 * on the same machine in the same run. Target: ≥ 0.6× the bare server's requests/s, p99 ≤ 2× its p99,
 * and every answered visit recorded as a click.
 *
 *   npm run bench:redirect [-- --seconds 10 --connections 64 --sqlite]
 */
import autocannon from 'autocannon';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { dropSchema, postgresUrlWithSchema, POSTGRES_URL, tempDataDir, uniqueSchema } from '../test/support/database';
import { fmt, startChild, stopChild } from './support';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    sqlite: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

interface Load {
  rps: number;
  p99: number;
  redirects: number;
}

async function load(url: string, run: { duration: number } | { amount: number }): Promise<Load> {
  const result = await autocannon({ url, connections, pipelining: 1, ...run });
  const redirects = (result.statusCodeStats as Record<string, { count: number }>)['302']?.count ?? 0;
  if (result.errors > 0 || result.non2xx !== redirects) {
    throw new Error(`unexpected answers from ${url}: ${result.errors} errors, ${result.non2xx - redirects} non-302`);
  }
  return { rps: result.requests.average, p99: result.latency.p99, redirects };
}

async function main() {
  const dataDir = tempDataDir('gw-bench-');
  const schema = uniqueSchema('bench');
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://localhost:3000',
    BRAND_POSTAL_ADDRESS: '1 Bench Street',
    JWT_SECRET: 'b'.repeat(48),
    ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    HASH_KEY: 'h'.repeat(48),
    ...(values.sqlite ? {} : { DATABASE_URL: postgresUrlWithSchema(schema) }),
  };

  const bare = await startChild<{ port: number }>('bare-302.js', { BENCH_LOCATION: 'http://localhost:3000/p/bench' });
  const app = await startChild<{ port: number; code: string; countedCode: string; countedLinkId: string }>(
    'redirect-server.ts',
    env,
  );
  try {
    const bareUrl = `http://127.0.0.1:${bare.ready.port}/r/${app.ready.code}`;
    const appUrl = `http://127.0.0.1:${app.ready.port}/r/${app.ready.code}`;
    // Warm both up (JIT, connection pools, link cache), then measure each in turn.
    await load(bareUrl, { duration: 2 });
    await load(appUrl, { duration: 2 });
    const base = await load(bareUrl, { duration: seconds });
    const ours = await load(appUrl, { duration: seconds });
    // Then a fixed number of visits, every one answered, to check that each was recorded.
    const answered = (await load(`http://127.0.0.1:${app.ready.port}/r/${app.ready.countedCode}`, { amount: 20_000 })).redirects;

    await stopChild(app.child); // the app flushes its click buffer on shutdown
    const recorded = await countClicks(values.sqlite ? undefined : schema, dataDir, app.ready.countedLinkId);

    const ratio = ours.rps / base.rps;
    const p99Ratio = ours.p99 / Math.max(base.p99, 1);
    console.log(`bare http: ${fmt(base.rps)} req/s, p99 ${base.p99} ms`);
    console.log(`goodword : ${fmt(ours.rps)} req/s, p99 ${ours.p99} ms (${values.sqlite ? 'SQLite' : 'PostgreSQL'})`);
    console.log(
      `redirect: ${fmt(ours.rps)} req/s, p99 ${ours.p99} ms — ${fmt(ratio, 2)}× bare http (target ≥ 0.6×), ` +
        `p99 ${fmt(p99Ratio, 2)}× (target ≤ 2×); clicks recorded ${fmt(recorded)} of ${fmt(answered)}` +
        (recorded === answered ? '' : ' — CLICKS LOST'),
    );
    if (recorded !== answered) process.exitCode = 1;
  } finally {
    if (app.child.exitCode === null) await stopChild(app.child);
    await stopChild(bare.child);
    if (!values.sqlite) await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function countClicks(schema: string | undefined, dataDir: string, linkId: string): Promise<number> {
  if (!schema) {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(`${dataDir}/goodword.sqlite`, { readonly: true });
    const row = db.prepare('SELECT count(*) AS n FROM click_event WHERE link_id = ?').get(linkId) as { n: number };
    db.close();
    return row.n;
  }
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM "${schema}".click_event WHERE link_id = $1`, [linkId]);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
