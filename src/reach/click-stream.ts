import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ClicksRepository, NewClick, StreamEntry } from './clicks.repository';

/** One click as it travels in a stream entry: link, epoch ms, visitor hash, bot (1/0), referrer host. */
type WireClick = [string, number, string, 0 | 1, string | null];

const GROUP = 'click-writers';
/** Entries a worker reads at once (each holds the clicks of one event-loop turn of one API process). */
const READ_COUNT = 500;
/** Below this many clicks a read is followed by a short pause (`GATHER_MS`) to let the next batch grow. */
const SMALL_BATCH = 2000;
const GATHER_MS = 200;
const BLOCK_MS = 1000;
/**
 * A pending entry idle this long belongs to a dead (or stuck) worker and is taken over. Taking over too early
 * is harmless: writes are idempotent, so a slow worker and its successor can't count a click twice.
 */
export const RECLAIM_IDLE_MS = 5000;
const RECLAIM_EVERY_MS = 2500;
/** Consumers with nothing pending and idle this long (workers gone) are removed from the group. */
const FORGET_CONSUMER_MS = 3_600_000;
/** Written entries are remembered (to recognise one delivered again) at least this long (whatever Redis's clock says)… */
const FORGET_ENTRIES_AFTER_MS = 3_600_000;
/** …and those older than that and than the oldest pending entry are forgotten this often. */
const FORGET_EVERY_MS = 300_000;
/** If Redis stays down, memory is bounded: past this the oldest unsent clicks are dropped (and logged). */
const MAX_UNSENT = 200_000;

/**
 * Durable click capture when `REDIS_URL` is set (see the README, "Reach").
 *
 * API side: `append` queues a click and, once per event-loop turn (`setImmediate`), all clicks queued in that
 * turn go to Redis in one `XADD`, and only then are that turn's 302s written (`afterSend`): a click is on the
 * Redis socket before its answer leaves, at one command per turn rather than per request.
 *
 * Worker side: a consumer group reads entries, writes their clicks with `ClicksRepository.insertEntries` (one
 * transaction that also records the entry ids in `click_stream_entry`, so the write is idempotent, rollups
 * included), and only after the commit acknowledges and deletes the entries (`XACK` + `XDEL`). A worker killed
 * mid-batch leaves its entries pending; another worker takes them over with `XAUTOCLAIM` and writes them again,
 * which changes nothing for the entries already committed. Recorded ids are forgotten once older than the oldest
 * pending entry and an hour (every 5 minutes).
 *
 * Entries carry visitor hashes, never IP addresses: the API hashes at capture under the day's salt (already
 * in memory), so no raw IP is written to Redis, whose data may be persisted to disk (RDB/AOF) and may wait
 * there for hours if workers are down — beyond the reach of the salt's two-day deletion.
 */
@Injectable()
export class ClickStream implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClickStream.name);
  private readonly key: string;
  private producer?: Redis;
  private unsent: WireClick[] = [];
  /** Answers waiting for this turn's clicks to be written to Redis (`afterSend`). */
  private waiting: (() => void)[] = [];
  private scheduled = false;
  private retryTimer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  private reader?: Redis;
  private writer?: Redis;
  private readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private running?: Promise<void>;
  private stopping = false;
  private lastReclaim = 0;
  private lastForget = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly clicks: ClicksRepository,
  ) {
    this.key = `${config.queuePrefix}:reach:clicks`;
  }

  /** Whether clicks go through Redis (else the in-memory buffer of `ClickRecorder`). */
  get enabled(): boolean {
    return Boolean(this.config.redisUrl);
  }

  onApplicationBootstrap() {
    if (!this.enabled || !this.config.runsWorker) return;
    this.reader = this.connect('click-reader');
    this.writer = this.connect('click-writer');
    this.running = this.consume();
  }

  async onApplicationShutdown() {
    clearTimeout(this.retryTimer);
    // API side: everything answered is sent before the connection closes.
    if (this.producer) {
      await this.flushUnsent();
      await this.producer.quit().catch(() => undefined);
    }
    // Worker side: the batch being written is finished and acknowledged; unread entries stay in Redis.
    this.stopping = true;
    this.reader?.disconnect();
    await this.running;
    await this.writer?.quit().catch(() => undefined);
  }

  append(click: NewClick): void {
    this.unsent.push([click.linkId, click.occurredAt.getTime(), click.visitorHash, click.isBot ? 1 : 0, click.referrerHost]);
    this.schedule();
  }

  /**
   * Runs `then` (a redirect's answer) right after this turn's `XADD` is written to the Redis socket: a killed
   * process can then no longer lose a click whose 302 went out, however long a pause (GC) came in between. While
   * Redis is failing, at once (the clicks wait in memory for the retry).
   */
  afterSend(then: () => void): void {
    if (this.retryTimer) return then();
    this.waiting.push(then);
    this.schedule();
  }

  private schedule(): void {
    if (!this.scheduled && !this.retryTimer) {
      this.scheduled = true;
      setImmediate(() => this.send());
    }
  }

  /** Sends what is queued and waits until Redis has everything appended so far (shutdown, tests). */
  async flushUnsent(): Promise<void> {
    for (let i = 0; i < 50 && (this.unsent.length > 0 || this.inFlight.size > 0); i++) {
      if (this.unsent.length > 0) this.send();
      await Promise.allSettled([...this.inFlight]);
    }
  }

  get pending(): number {
    return this.unsent.length;
  }

  private send(): void {
    this.scheduled = false;
    try {
      this.sendUnsent();
    } finally {
      const waiting = this.waiting;
      this.waiting = [];
      for (const then of waiting) {
        try {
          then();
        } catch (err) {
          this.logger.error({ msg: 'answering after the clicks were sent failed', err });
        }
      }
    }
  }

  private sendUnsent(): void {
    if (this.unsent.length === 0) return;
    const batch = this.unsent;
    this.unsent = [];
    this.producer ??= this.connect('click-producer');
    const sent = this.producer
      .xadd(this.key, '*', 'c', JSON.stringify(batch))
      .then(
        () => undefined,
        (err: unknown) => {
          this.unsent = batch.concat(this.unsent);
          const dropped = Math.max(0, this.unsent.length - MAX_UNSENT);
          if (dropped > 0) this.unsent.splice(0, dropped);
          this.logger.error({ msg: 'appending clicks to Redis failed; kept in memory and retried', err, unsent: this.unsent.length, dropped });
          this.retryTimer ??= setTimeout(() => {
            this.retryTimer = undefined;
            this.send();
          }, 200);
        },
      )
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }

  private connect(name: string): Redis {
    const client = new Redis(this.config.redisUrl!, { connectionName: `goodword-${name}`, maxRetriesPerRequest: null, lazyConnect: false });
    client.on('error', (err) => this.logger.warn({ msg: `Redis (${name}) error`, err: err.message }));
    return client;
  }

  // ——— worker side ———

  private async consume(): Promise<void> {
    let grouped = false;
    while (!this.stopping) {
      try {
        if (!grouped) grouped = (await this.ensureGroup(), true);
        if (Date.now() - this.lastReclaim >= RECLAIM_EVERY_MS) await this.reclaim();
        if (Date.now() - this.lastForget >= FORGET_EVERY_MS) await this.forgetWrittenEntries();
        const result = (await this.reader!.xreadgroup('GROUP', GROUP, this.consumer, 'COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.key, '>')) as
          | [string, [string, string[]][]][]
          | null;
        if (result && !this.stopping) {
          const clicks = await this.write(result[0][1]);
          // A small batch: let the next one grow a little, so the database sees a few large transactions a
          // second rather than one per read (each click stays safe in Redis meanwhile).
          if (clicks < SMALL_BATCH) await new Promise((r) => setTimeout(r, GATHER_MS));
        }
      } catch (err) {
        if (this.stopping) break;
        if (String(err).includes('NOGROUP')) grouped = false; // the stream was deleted: made again
        else {
          this.logger.error({ msg: 'moving clicks from Redis to the database failed; retried', err });
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  }

  /** The group starts at the stream's beginning, so clicks appended before any worker ran are read too. */
  private async ensureGroup(): Promise<void> {
    try {
      await this.writer!.xgroup('CREATE', this.key, GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String(err).includes('BUSYGROUP')) throw err;
    }
  }

  /** Takes over entries left pending by dead or stuck workers (and this worker's own failed writes). */
  private async reclaim(): Promise<void> {
    this.lastReclaim = Date.now();
    let cursor = '0-0';
    do {
      const [next, entries, deleted] = (await this.writer!.xautoclaim(this.key, GROUP, this.consumer, RECLAIM_IDLE_MS, cursor, 'COUNT', READ_COUNT)) as [
        string,
        [string, string[] | null][],
        string[]?,
      ];
      const live = entries.filter((e): e is [string, string[]] => Array.isArray(e[1]));
      const gone = [...(deleted ?? []), ...entries.filter((e) => !Array.isArray(e[1])).map((e) => e[0])];
      if (gone.length > 0) await this.writer!.xack(this.key, GROUP, ...gone);
      if (live.length > 0) {
        this.logger.warn({ msg: 'took over click entries left pending by another worker', entries: live.length });
        await this.write(live);
      }
      cursor = next;
    } while (cursor !== '0-0' && !this.stopping);
    await this.forgetGoneConsumers();
  }

  private async forgetGoneConsumers(): Promise<void> {
    const consumers = (await this.writer!.xinfo('CONSUMERS', this.key, GROUP)) as unknown[][];
    for (const fields of consumers) {
      const info: Record<string, unknown> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) info[String(fields[i])] = fields[i + 1];
      if (info.name !== this.consumer && Number(info.pending) === 0 && Number(info.idle) > FORGET_CONSUMER_MS) {
        await this.writer!.xgroup('DELCONSUMER', this.key, GROUP, String(info.name));
      }
    }
  }

  /** Writes these entries' clicks (idempotently), then acknowledges and deletes the entries; returns how many clicks. */
  private async write(entries: [string, string[]][]): Promise<number> {
    const chunks: StreamEntry[][] = [[]];
    let inChunk = 0;
    let total = 0;
    for (const [id, fields] of entries) {
      const payload = fields[fields.indexOf('c') + 1];
      let wire: WireClick[];
      try {
        wire = JSON.parse(payload) as WireClick[];
      } catch {
        this.logger.error({ msg: 'unreadable click entry skipped', id });
        continue;
      }
      const clicks = wire.map(([linkId, at, visitorHash, bot, referrerHost]): NewClick => ({ linkId, occurredAt: new Date(at), visitorHash, isBot: bot === 1, referrerHost }));
      // Transactions of about maxBatch clicks, each holding whole entries (an entry is written with its clicks or not at all).
      if (inChunk > 0 && inChunk + clicks.length > this.clicks.maxBatch) {
        chunks.push([]);
        inChunk = 0;
      }
      chunks[chunks.length - 1].push({ id, clicks });
      inChunk += clicks.length;
      total += clicks.length;
    }
    for (const chunk of chunks) await this.clicks.insertEntries(chunk);
    const ids = entries.map(([id]) => id);
    await this.writer!.multi().xack(this.key, GROUP, ...ids).xdel(this.key, ...ids).exec();
    return total;
  }

  /**
   * Forgets the entries written before any that could still be delivered: those older than the oldest pending
   * one (and than an hour, whatever the clocks of Redis and this host say). An entry is pending until acknowledged.
   */
  private async forgetWrittenEntries(): Promise<void> {
    this.lastForget = Date.now();
    const [, oldestPending] = (await this.writer!.xpending(this.key, GROUP)) as [number, string | null, string | null, unknown];
    await this.clicks.forgetEntriesBefore(forgettableBefore(oldestPending, Date.now()));
  }
}

/**
 * Below which stream entry id the recorded entries may be forgotten: those older than an hour, but none from the
 * millisecond of the oldest entry still pending on (it may yet be delivered again, and must then be recognised).
 * Ids are `<ms>-<seq>` and the database compares them as text, which orders the milliseconds (13 digits from 2001
 * to 2286) but not the sequence (`-10` before `-9`): so the bound is always a millisecond's first id, `<ms>-0`.
 */
export function forgettableBefore(oldestPending: string | null, now: number): string {
  const pendingMs = oldestPending ? Number(oldestPending.split('-')[0]) : Infinity;
  return `${Math.min(pendingMs, now - FORGET_ENTRIES_AFTER_MS)}-0`;
}
