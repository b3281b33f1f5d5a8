import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { ClickStream } from './click-stream';
import { ClicksRepository, NewClick } from './clicks.repository';
import { DAY_MS, utcDay } from '../common/time/days';
import { VisitorSalts } from './visitor-salts.service';

export interface Visit {
  ip: string;
  userAgent?: string;
  referer?: string;
  /** From `isBotRequest`: a crawler, preview fetcher, prefetch or HEAD. */
  bot: boolean;
}

/** A click whose day's salt was not in memory yet: hashed at the flush, after loading it (the IP stays in memory only). */
type PendingClick = NewClick & { unhashed?: { ip: string; userAgent: string } };

const FLUSH_EVERY_MS = 1000;
const FLUSH_AT = 1000;
/** If the database stays down, memory is bounded: past this the oldest clicks are dropped (and logged). */
const MAX_BUFFERED = 200_000;

/**
 * Clicks are the hottest write, never one commit per request. With `REDIS_URL` each click is appended to a
 * Redis Stream within the event-loop turn that answered it, and workers move them to the database
 * (`ClickStream`): a crash loses nothing answered. Without Redis (the embedded default) they are buffered
 * here and written in multi-row inserts every second (or every 1,000 clicks): a failed write keeps the clicks
 * for the next flush and shutdown flushes what is left, but a SIGKILL or power loss loses up to the last second.
 */
@Injectable()
export class ClickRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClickRecorder.name);
  private buffer: PendingClick[] = [];
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly clicks: ClicksRepository,
    private readonly salts: VisitorSalts,
    private readonly stream: ClickStream,
  ) {}

  onModuleInit() {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.flush();
  }

  record(linkId: string, visit: Visit, at = new Date()): void {
    const salt = this.salts.get(utcDay(at.getTime()));
    const userAgent = visit.userAgent ?? '';
    if (salt && this.stream.enabled) {
      // Hashed here: the IP address never reaches Redis (see ClickStream).
      this.stream.append({
        linkId,
        occurredAt: at,
        visitorHash: visitorHash(salt, linkId, visit.ip, userAgent),
        isBot: visit.bot,
        referrerHost: refererHost(visit.referer),
      });
      return;
    }
    // Without the day's salt in memory (rare: it is made a day ahead), the click waits here for it, even
    // with Redis, so that an IP address never leaves this process.
    this.buffer.push({
      linkId,
      occurredAt: at,
      visitorHash: salt ? visitorHash(salt, linkId, visit.ip, userAgent) : '',
      isBot: visit.bot,
      referrerHost: refererHost(visit.referer),
      ...(salt ? {} : { unhashed: { ip: visit.ip, userAgent } }),
    });
    if (this.buffer.length >= FLUSH_AT || this.stream.enabled) void this.flush();
  }

  /**
   * Runs `answer` once the clicks recorded so far are written to Redis's socket (see `ClickStream.afterSend`);
   * at once without Redis, where clicks wait in memory anyway.
   */
  afterRecorded(answer: () => void): void {
    if (this.stream.enabled) this.stream.afterSend(answer);
    else answer();
  }

  /** Writes everything buffered so far (with Redis: appends it to the stream); concurrent calls share one write. */
  flush(): Promise<void> {
    this.flushing ??= this.write()
      .then(() => (this.stream.enabled ? this.stream.flushUnsent() : undefined))
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  get pending(): number {
    return this.buffer.length + this.stream.pending;
  }

  /** Writes until the buffer is empty, clicks recorded meanwhile included, each hashed before it is written. */
  private async write(): Promise<void> {
    for (;;) {
      try {
        await this.hashPending();
      } catch (error) {
        this.logger.error({ msg: 'loading visitor salts failed; clicks kept for the next flush', err: error, buffered: this.buffer.length });
        return;
      }
      // A click recorded since hashPending's last look (without its salt) stays for the next round.
      const taken = this.buffer.splice(0);
      this.buffer.push(...taken.filter((c) => c.unhashed));
      const hashed = taken.filter((c) => !c.unhashed);
      if (hashed.length === 0) return;
      if (this.stream.enabled) {
        for (const { unhashed: _, ...click } of hashed) this.stream.append(click);
        continue;
      }
      for (let i = 0; i < hashed.length; i += this.clicks.maxBatch) {
        try {
          await this.clicks.insertMany(hashed.slice(i, i + this.clicks.maxBatch));
        } catch (error) {
          this.buffer.unshift(...hashed.slice(i));
          const dropped = Math.max(0, this.buffer.length - MAX_BUFFERED);
          if (dropped > 0) this.buffer.splice(0, dropped);
          this.logger.error({ msg: 'writing clicks failed; kept for the next flush', err: error, buffered: this.buffer.length, dropped });
          return;
        }
      }
    }
  }

  /**
   * Hashes the clicks that waited for their day's salt, until none is left (more may arrive while salts load).
   * A day whose salt is already deleted gets a random one for this flush only: it is never kept, so those
   * hashes lead nowhere, like any other after two days.
   */
  private async hashPending(): Promise<void> {
    for (;;) {
      const pending = this.buffer.filter((c) => c.unhashed);
      if (pending.length === 0) return;
      await this.salts.load(pending.map((c) => utcDay(c.occurredAt.getTime())));
      const lost = new Map<string, Buffer>();
      for (const click of pending) {
        if (!click.unhashed) continue;
        const day = utcDay(click.occurredAt.getTime());
        let salt = this.salts.get(day) ?? lost.get(day);
        if (!salt) lost.set(day, (salt = randomBytes(32)));
        click.visitorHash = visitorHash(salt, click.linkId, click.unhashed.ip, click.unhashed.userAgent);
        delete click.unhashed;
      }
    }
  }
}

/**
 * Same person (IP and user agent), same link, same UTC day → same hash, so unique visitors are counted per
 * link per day; the IP itself is never kept, and once the day's salt is deleted the hash leads nowhere.
 */
function visitorHash(salt: Buffer, linkId: string, ip: string, userAgent: string): string {
  return createHmac('sha256', salt).update(`${linkId}|${ip}|${userAgent}`).digest('base64url').slice(0, 32);
}

function refererHost(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).hostname.slice(0, 120) || null;
  } catch {
    return null;
  }
}
