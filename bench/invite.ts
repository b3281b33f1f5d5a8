/**
 * bench:invite — the invitation fan-out quality bar (DESIGN.md): N eligible customers → invitations
 * created and delivered through BullMQ to a real SMTP server on loopback, at ≥ 0.5× the rate of a
 * bare loop that only renders and sends the same emails with the same concurrency, in the same run;
 * no customer invited twice, no frequency cap exceeded.
 *
 *   npm run bench:invite [-- --customers 100000]
 *
 * Needs PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 * and Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379). Uses a fresh schema and a unique queue
 * prefix, removes both at the end, and gives up after a time limit.
 */
import 'reflect-metadata';
import { INestApplicationContext, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { SEND_CONCURRENCY } from '../src/campaigns/campaign.jobs';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { InvitationEmails } from '../src/campaigns/invitation-email';
import { LaunchCampaign } from '../src/campaigns/launch-campaign';
import { SYSTEM_ACTOR } from '../src/common/actor';
import { loadConfig } from '../src/config/load-config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';
import { INVITATION_LINK_TTL_MS } from '../src/invitations/invitation-tokens.service';
import { EmailRenderer } from '../src/notifications/email-renderer';
import { createMailTransport } from '../src/notifications/mail-transport.factory';
import { MailService } from '../src/notifications/mail.service';
import { newToken } from '../src/preferences/tokens';
import { startWorker } from '../src/worker';
import { postgresUrlWithSchema, REDIS_URL, tempDataDir, uniqueSchema } from '../test/support/database';
import { fmt, startChild, stopChild } from './support';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '100000' } } });
const N = Number(String(values.customers).replace(/[_,]/g, ''));
if (!Number.isInteger(N) || N < 100) throw new Error('--customers must be a whole number of at least 100');
const LOCATIONS = 20;
const TIME_LIMIT_MS = Math.max(10 * 60_000, N * 10);
const log = (message: string) => process.stderr.write(`${message}\n`);

interface SinkStats {
  messages: number;
  recipients: number;
  duplicates: number;
}

async function main(): Promise<void> {
  // The baseline's MailService logs through Nest's default logger: keep it as quiet as the worker's (LOG_LEVEL=warn).
  Logger.overrideLogger(['error', 'warn']);
  const sink = await startChild<{ port: number }>('invite-smtp.ts');
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      sink.child.once('message', (answer) => resolve(answer as T));
      sink.child.send({ type });
    });

  const schema = uniqueSchema('bench_invite');
  const dataDir = tempDataDir('gw-bench-invite-');
  const prefix = `bench-invite-${randomUUID().slice(0, 8)}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://goodword.example.com',
    BRAND_NAME: 'Springfield Motors',
    BRAND_POSTAL_ADDRESS: '742 Evergreen Terrace, Springfield',
    MAIL_FROM: 'Springfield Motors <hello@goodword.example.com>',
    JWT_SECRET: 'b'.repeat(48),
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    HASH_KEY: 'h'.repeat(48),
    DATABASE_URL: postgresUrlWithSchema(schema),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    SMTP_URL: `smtp://127.0.0.1:${sink.ready.port}`,
  };
  const config = loadConfig({ ...env, GOODWORD_ROLE: 'worker' });

  const dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
  let worker: INestApplicationContext | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await worker?.close().catch(() => undefined);
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await dataSource.destroy().catch(() => undefined);
      await clearQueues(prefix).catch(() => undefined);
      await stopChild(sink.child);
      rmSync(dataDir, { recursive: true, force: true });
    })());
  // Bounded: gives up after a time limit, and cleans up after itself then too (or on Ctrl-C).
  const stop = (code: number, why: string) => {
    log(`bench:invite: ${why}; cleaning up`);
    void cleanup().finally(() => process.exit(code));
  };
  const giveUp = setTimeout(() => stop(2, `gave up after ${TIME_LIMIT_MS / 1000} s`), TIME_LIMIT_MS);
  process.once('SIGINT', () => stop(130, 'interrupted'));
  process.once('SIGTERM', () => stop(143, 'terminated'));
  try {
    await runMigrations(dataSource);
    log(`seeding ${fmt(N)} eligible customers in ${LOCATIONS} locations (schema ${schema})…`);
    const seedStart = Date.now();
    await seed(dataSource, N);
    log(`  seeded in ${fmt((Date.now() - seedStart) / 1000, 1)} s`);

    // Baseline: render and send the same emails, same concurrency, same SMTP transport settings; nothing else.
    const recipients: { email: string; name: string; comment: string; location: string }[] = await dataSource.query(
      `SELECT c.email, c.name, r.comment, l.name AS location FROM customer c
       JOIN feedback_response r ON r.id = c.latest_response_id JOIN location l ON l.id = c.latest_location_id ORDER BY c.id`,
    );
    const transport = createMailTransport(config);
    const mail = new MailService(config, new EmailRenderer(), transport);
    const emails = new InvitationEmails(config);
    log(`baseline: bare render + send loop, concurrency ${SEND_CONCURRENCY}…`);
    let next = 0;
    const baseStart = Date.now();
    await Promise.all(
      Array.from({ length: SEND_CONCURRENCY }, async () => {
        while (next < recipients.length) {
          const r = recipients[next++];
          await mail.send(
            emails.compose({
              kind: 'invitation',
              to: r.email,
              name: r.name,
              locationName: r.location,
              comment: r.comment,
              invitationToken: newToken(),
              preferenceToken: newToken(),
              expiresAt: new Date(Date.now() + INVITATION_LINK_TTL_MS),
            }),
          );
        }
      }),
    );
    const baseSeconds = (Date.now() - baseStart) / 1000;
    const baseRate = recipients.length / baseSeconds;
    transport.close();
    const baseSink = await ask<SinkStats>('stats');
    log(`  ${fmt(baseRate)} emails/s (${fmt(baseSink.messages)} received in ${fmt(baseSeconds, 1)} s)`);
    await ask('reset');

    // Ours: launch a campaign; a worker process fans out through BullMQ and sends.
    worker = await startWorker(config);
    const campaigns = worker.get(CampaignsService);
    const campaign = await campaigns.create(SYSTEM_ACTOR, {
      name: 'Bench',
      locations: 'all',
      minScore: 9,
      lookBackDays: 60,
      sendingHours: { from: 0, to: 24 },
    });
    log(`goodword: launch → fan-out → invite batches → send jobs (send concurrency ${SEND_CONCURRENCY}), one worker…`);
    const start = Date.now();
    await worker.get(LaunchCampaign).execute(SYSTEM_ACTOR, campaign.id);
    let sent = 0;
    for (let lastLog = Date.now(); sent < N; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      sent = Number((await dataSource.query(`SELECT count(*) AS n FROM invitation WHERE status = 'sent'`))[0].n);
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`  ${fmt(sent)} sent after ${fmt((Date.now() - start) / 1000, 1)} s`);
      }
    }
    const seconds = (Date.now() - start) / 1000;
    const rate = N / seconds;
    const ours = await ask<SinkStats>('stats');

    const [{ n: duplicateInvitations }] = await dataSource.query(
      `SELECT count(*) - count(DISTINCT (campaign_id, customer_id)) AS n FROM invitation`,
    );
    const [{ n: overCap }] = await dataSource.query(
      `SELECT count(*) AS n FROM (SELECT customer_id FROM marketing_message WHERE counted_at > now() - interval '30 days'
         GROUP BY customer_id HAVING count(*) > 2) AS over`,
    );
    const duplicates = Number(duplicateInvitations) + ours.duplicates;
    const ratio = rate / baseRate;
    log(`  ${fmt(rate)} invitations/s (${fmt(ours.messages)} emails to ${fmt(ours.recipients)} addresses in ${fmt(seconds, 1)} s)`);
    console.log(
      `invite: ${fmt(rate)} invitations/s — ${fmt(ratio, 2)}× bare render+send loop (target ≥ 0.5×); ` +
        `${fmt(sent)} sent, ${fmt(duplicates)} duplicates, ${fmt(Number(overCap))} over cap`,
    );
    process.exitCode = ratio >= 0.5 && duplicates === 0 && Number(overCap) === 0 && ours.messages === N ? 0 : 1;
  } finally {
    clearTimeout(giveUp);
    await cleanup();
  }
}

/** N promoters with consent across LOCATIONS locations, latest responses within the last 30 days: set-based, in seconds. */
async function seed(dataSource: DataSource, n: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO location (id, code, name, timezone) SELECT md5('loc' || g)::uuid, 'BENCH-' || g, 'Springfield Motors ' || g, 'UTC'
     FROM generate_series(1, ${LOCATIONS}) AS g`,
  );
  await dataSource.query(
    `INSERT INTO customer (id, email, name, marketing_consent, consent_updated_at, consent_response_id, latest_response_id,
                           latest_score, latest_segment, latest_location_id, latest_responded_at)
     SELECT md5('c' || g)::uuid, 'customer-' || g || '@example.com', (ARRAY['Ana Silva', 'Ben Ode', 'Cara Lin', 'Dev Rao'])[1 + g % 4],
            true, now(), md5('r' || g)::uuid, md5('r' || g)::uuid, 9 + g % 2, 'promoter',
            md5('loc' || (1 + g % ${LOCATIONS}))::uuid, now() - ((g % 30) || ' days')::interval
     FROM generate_series(1, $1::int) AS g`,
    [n],
  );
  await dataSource.query(
    `INSERT INTO feedback_response (id, response_id, customer_id, location_id, score, segment, comment, responded_at, marketing_consent, import_seq)
     SELECT md5('r' || g)::uuid, 'BENCH-' || g, md5('c' || g)::uuid, md5('loc' || (1 + g % ${LOCATIONS}))::uuid, 9 + g % 2, 'promoter',
            (ARRAY['Great service, the team explained everything.', 'Quick, friendly and the car was ready early.', 'Honest advice & a fair price <3', NULL])[1 + g % 4],
            now() - ((g % 30) || ' days')::interval, true, g
     FROM generate_series(1, $1::int) AS g`,
    [n],
  );
  await dataSource.query('ANALYZE');
}

/** Removes this run's BullMQ keys. */
async function clearQueues(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
