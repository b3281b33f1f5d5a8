import { Agent, request } from 'node:http';
import { DataSource } from 'typeorm';
import { ClicksRepository, NewClick, StreamEntry } from '../src/reach/clicks.repository';
import { forgettableBefore } from '../src/reach/click-stream';
import { TrackedLinksService } from '../src/reach/tracked-links.service';
import { sleep, waitFor } from './fakes/jobs-fixtures';
import { insertShare } from './factories/shares';
import { createTestApp, createTestAppFromEnv, TestApp, testEnv } from './support/app';
import { deleteRedisKeys, tempDataDir } from './support/database';
import { NodeProcess } from './support/processes';
import { freePort } from './support/redis-server';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
/** A visit answered this long before its API process was killed must be in the database (the bound). */
const DURABLE_WITHIN_MS = 5;

/** `GET` on a child process; resolves with the status and when the answer arrived, or null if the connection failed. */
function get(port: number, path: string, headers: Record<string, string>, agent?: Agent): Promise<{ status: number; at: number } | null> {
  return new Promise((resolve) => {
    // Without an agent of its own, a fresh connection: never a kept-alive one the server may be closing.
    const req = request({ host: '127.0.0.1', port, path, headers, agent: agent ?? false }, (res) => {
      const at = Date.now();
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, at }));
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.end();
  });
}

/**
 * Visits of one link, each with its own referrer host (`v<n>.visits.test`) so that each can be found in
 * `click_event.referrer_host`. Records which were answered with a 302, and when.
 */
class Visitors {
  readonly answered = new Map<string, number>();
  private next = 0;
  private stopped = false;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });
  private loops: Promise<void>[] = [];

  constructor(
    private readonly code: string,
    private port: () => number,
  ) {}

  start(concurrency = 8): void {
    this.stopped = false;
    this.loops = Array.from({ length: concurrency }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    this.agent.destroy();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const host = `v${this.next++}.visits.test`;
      const answer = await get(this.port(), `/r/${this.code}`, { 'user-agent': PHONE, referer: `https://${host}/` }, this.agent);
      if (answer?.status === 302) this.answered.set(host, answer.at);
      else if (!answer) await sleep(5); // the process is down: try again shortly
    }
  }
}

async function startApi(env: Record<string, string>): Promise<{ process: NodeProcess; port: number }> {
  const port = await freePort();
  const api = new NodeProcess('src/main.ts', { ...env, GOODWORD_ROLE: 'api', PORT: String(port), DATA_DIR: tempDataDir() });
  await waitFor(async () => (await get(port, '/r/AAAAAAAAAAAA', {}))?.status === 404, `the API on ${port} (${api.stderr})`, 60_000);
  return { process: api, port };
}

/** How many times each referrer host of the visits is in the database. */
async function countsByVisit(db: DataSource, linkId: string): Promise<Map<string, number>> {
  const rows = (await db.query(`SELECT referrer_host AS host, COUNT(*) AS n FROM click_event WHERE link_id = $1 GROUP BY referrer_host`, [linkId])) as {
    host: string;
    n: string;
  }[];
  return new Map(rows.map((r) => [r.host, Number(r.n)]));
}

/** Waits until every visit that must be there is in the database, then checks each is there exactly once. */
async function expectEachOnce(db: DataSource, linkId: string, mustHave: string[]): Promise<Map<string, number>> {
  let counts = new Map<string, number>();
  await waitFor(
    async () => {
      counts = await countsByVisit(db, linkId);
      return mustHave.every((host) => counts.has(host));
    },
    'every answered visit in the database',
    60_000,
  );
  await sleep(1000); // nothing more (a late duplicate) arrives
  counts = await countsByVisit(db, linkId);
  expect(mustHave.filter((host) => counts.get(host) !== 1)).toEqual([]);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  return counts;
}

describe('click capture through Redis (PostgreSQL), processes killed while visits come in', () => {
  let setup: TestApp;
  let db: DataSource;
  let env: Record<string, string>;
  const processes: NodeProcess[] = [];

  beforeAll(async () => {
    const made = testEnv({ dialect: 'postgres', redis: true });
    env = made.env;
    // An API-role app in this process: for setting up data and reading the database; it moves no clicks.
    setup = await createTestAppFromEnv({ ...env, GOODWORD_ROLE: 'api' }, made.schema);
    db = setup.app.get(DataSource);
    await insertShare(db); // not a fresh install: the API processes seed no demo data
  });
  afterAll(async () => {
    for (const p of processes) await p.stop();
    await setup?.close();
    await deleteRedisKeys(`${env.QUEUE_PREFIX}:*`);
  });

  const newLink = () => db.transaction((m) => setup.app.get(TrackedLinksService).create(m, { targetPath: '/p/capture' }));
  const workers: NodeProcess[] = [];
  const startWorker = () => {
    const worker = new NodeProcess('src/worker.ts', { ...env, GOODWORD_ROLE: 'worker' });
    processes.push(worker);
    workers.push(worker);
    return worker;
  };

  it('an API process killed with SIGKILL loses no visit it answered (but in its last 5 ms), and none is counted twice', async () => {
    startWorker();
    const link = await newLink();
    let api = await startApi(env);
    processes.push(api.process);
    const visitors = new Visitors(link.code, () => api.port);
    visitors.start();
    await waitFor(() => visitors.answered.size >= 300, 'visits answered', 60_000);
    const killedAt = Date.now();
    api.process.kill('SIGKILL');
    await api.process.exited;
    const exitedAt = Date.now(); // answers arriving before this may come from the dying process
    const beforeKill = [...visitors.answered].filter(([, at]) => at < killedAt - DURABLE_WITHIN_MS).map(([host]) => host);

    api = await startApi(env);
    processes.push(api.process);
    const answeredBefore = visitors.answered.size;
    await waitFor(() => visitors.answered.size >= answeredBefore + 100, 'visits answered after the restart', 60_000);
    await visitors.stop();
    const afterRestart = [...visitors.answered].filter(([, at]) => at > exitedAt).map(([host]) => host);

    expect(beforeKill.length).toBeGreaterThanOrEqual(250);
    const counts = await expectEachOnce(db, link.id, [...beforeKill, ...afterRestart]);
    // Visits the killed process received but never answered may be counted; nothing else is.
    expect([...counts.keys()].every((host) => host.endsWith('.visits.test'))).toBe(true);
  }, 180_000);

  it('a worker killed with SIGKILL while it moves clicks leaves them to the next worker, which writes each once', async () => {
    for (const worker of workers.splice(0)) await worker.stop(); // the first test's
    const link = await newLink();
    const api = await startApi(env);
    processes.push(api.process);
    const visitors = new Visitors(link.code, () => api.port);
    visitors.start();
    for (let round = 0; round < 2; round++) {
      // Kill the worker while it is busy with this link's clicks.
      const worker = startWorker();
      const written = (await countsByVisit(db, link.id)).size;
      await waitFor(async () => (await countsByVisit(db, link.id)).size > written + 50, 'the worker writing clicks', 60_000);
      worker.kill('SIGKILL');
      await worker.exited;
    }
    startWorker();
    const answeredBefore = visitors.answered.size;
    await waitFor(() => visitors.answered.size >= answeredBefore + 100, 'more visits answered', 60_000);
    await visitors.stop();
    await expectEachOnce(db, link.id, [...visitors.answered.keys()]);
  }, 180_000);

  it('a link disabled in one process answers 410 in the other API processes once Redis tells them after the commit (not a minute later), and 302 again when enabled', async () => {
    const { shareId } = await insertShare(db);
    const link = await db.transaction((m) => setup.app.get(TrackedLinksService).create(m, { targetPath: '/p/shared', shareId }));
    const apis = [await startApi(env), await startApi(env)];
    processes.push(...apis.map((a) => a.process));
    const statuses = () => Promise.all(apis.map(async (a) => (await get(a.port, `/r/${link.code}`, { 'user-agent': PHONE }))?.status));

    // The other processes hear of a change through Redis pub/sub, which arrives on its own socket: a request
    // sent right after the commit can be read before the message (it failed CI once). So each process is
    // asked until it answers the new status, within a second; without the message it would answer the old
    // one for the cache's full minute.
    const statusesBecome = async (expected: number[]) => {
      const deadline = Date.now() + 1_000;
      let seen = await statuses();
      while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) {
        await sleep(10);
        seen = await statuses();
      }
      return seen;
    };

    expect(await statuses()).toEqual([302, 302]); // now cached in both processes
    const links = setup.app.get(TrackedLinksService);
    await db.transaction((m) => links.disableForShares(m, [shareId]));
    expect(await statusesBecome([410, 410])).toEqual([410, 410]);
    await db.transaction((m) => links.enableForShares(m, [shareId]));
    expect(await statusesBecome([302, 302])).toEqual([302, 302]);
  }, 120_000);
});

describe.each(['postgres', 'sqlite'] as const)('a redelivered batch of clicks on %s', (dialect) => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('changes nothing the second time: neither the events nor the daily rollups (entries are recognised by id)', async () => {
    const { locationId } = await insertShare(db);
    const link = await db.transaction((m) => t.app.get(TrackedLinksService).create(m, { targetPath: '/p/again', locationId }));
    const at = new Date();
    const click = (visitor: string, isBot = false): NewClick => ({ linkId: link.id, occurredAt: at, visitorHash: visitor.repeat(32), isBot, referrerHost: null });
    const batch: StreamEntry[] = [
      { id: '1700000000000-0', clicks: [click('a'), click('a'), click('b')] },
      { id: '1700000000001-0', clicks: [click('c', true)] },
    ];
    const state = async () => ({
      events: Number((await db.query(`SELECT COUNT(*) AS n FROM click_event WHERE link_id = '${link.id}'`))[0].n),
      daily: (await db.query(`SELECT day, human_clicks, unique_visitors, bot_hits FROM reach_daily WHERE link_id = '${link.id}'`)) as unknown[],
      location: (await db.query(`SELECT day, human_clicks, unique_visitors, bot_hits FROM reach_location_daily WHERE location_id = '${locationId}'`)) as unknown[],
    });
    const clicks = t.app.get(ClicksRepository);
    expect(await clicks.insertEntries(batch)).toBe(4);
    const once = await state();
    expect(once.events).toBe(4);
    expect(once.daily).toHaveLength(1);
    expect(once.daily[0]).toMatchObject({ human_clicks: 3, unique_visitors: 2, bot_hits: 1 });
    expect(once.location).toEqual(once.daily);

    expect(await clicks.insertEntries(batch)).toBe(0); // the whole batch again
    expect(await clicks.insertEntries([batch[1], { id: '1700000000002-0', clicks: [click('b')] }])).toBe(1); // partly again, plus one new
    const after = await state();
    expect(after.events).toBe(5);
    expect(after.daily[0]).toMatchObject({ human_clicks: 4, unique_visitors: 2, bot_hits: 1 });
    expect(after.location).toEqual(after.daily);

    // Entries that can no longer come again are forgotten; the clicks stay.
    expect(await clicks.forgetEntriesBefore('1700000000001-0')).toBe(1);
    const remembered = (await db.query(`SELECT entry_id FROM click_stream_entry ORDER BY entry_id`)).map((r: { entry_id: string }) => r.entry_id);
    expect(remembered).toEqual(['1700000000001-0', '1700000000002-0']);
    expect((await state()).events).toBe(5);

    // With entry 1700000000003-9 still pending, its millisecond's later entries (-10 sorts before -9 as text) stay.
    await clicks.insertEntries(['1700000000003-1', '1700000000003-10', '1700000000003-9'].map((id) => ({ id, clicks: [click('c')] })));
    expect(await clicks.forgetEntriesBefore(forgettableBefore('1700000000003-9', Date.now()))).toBe(2);
    const kept = (await db.query(`SELECT entry_id FROM click_stream_entry`)).map((r: { entry_id: string }) => r.entry_id).sort();
    expect(kept).toEqual(['1700000000003-1', '1700000000003-10', '1700000000003-9']);
  });
});
