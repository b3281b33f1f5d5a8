// Runs before the test suite: the e2e tests need the real PostgreSQL and Redis, and must never skip silently.
const { Client } = require('pg');
const Redis = require('ioredis');

const databaseUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

async function checkPostgres() {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    return `PostgreSQL is not reachable at ${databaseUrl} (${error.message}). ` +
      'Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) ' +
      'or set TEST_DATABASE_URL to a database the tests may create schemas in.';
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkRedis() {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    return `Redis is not reachable at ${redisUrl} (${error.message}). ` +
      'Start it (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "") or set TEST_REDIS_URL.';
  } finally {
    redis.disconnect();
  }
}

function checkChromium() {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!require('node:fs').existsSync(path)) {
    return `Chromium is not installed at ${path} (browser tests drive it through playwright-core). ` +
      'Install it: apt-get update && apt-get install -y chromium';
  }
}

function checkRedisServer() {
  // The fault tests start (and kill) a Redis of their own on a free port; the shared one is never touched.
  const found = require('node:child_process').spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (found.error) {
    return 'redis-server is not installed (the fault tests run and restart their own Redis). ' +
      'Install it: apt-get update && apt-get install -y redis-server';
  }
}

Promise.all([checkPostgres(), checkRedis(), checkChromium(), checkRedisServer()]).then((problems) => {
  const found = problems.filter(Boolean);
  if (found.length) {
    for (const problem of found) console.error(`test preflight: ${problem}`);
    process.exit(1);
  }
});
