import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { isBot } from './bot-filter';
import { ClicksRepository, NewClick } from './clicks.repository';

export interface Visit {
  ip: string;
  userAgent?: string;
  referer?: string;
}

const FLUSH_EVERY_MS = 1000;
const FLUSH_AT = 1000;
/** If the database stays down, memory is bounded: past this the oldest clicks are dropped (and logged). */
const MAX_BUFFERED = 200_000;

/**
 * Clicks are the hottest write: they are buffered and written in multi-row inserts every second (or every
 * 1,000 clicks), never one commit per request. A failed write keeps the clicks for the next flush, and
 * shutdown flushes what is left, so no click is lost on a clean stop.
 */
@Injectable()
export class ClickRecorder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClickRecorder.name);
  private buffer: NewClick[] = [];
  /** The UTC day of the latest click, formatted once per day rather than once per click (hot path). */
  private day = { start: 0, end: 0, label: '' };
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly clicks: ClicksRepository,
    private readonly config: AppConfig,
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
    this.buffer.push({
      linkId,
      occurredAt: at,
      visitorHash: this.visitorHash(visit, at),
      isBot: isBot(visit.userAgent),
      referrerHost: refererHost(visit.referer),
    });
    if (this.buffer.length >= FLUSH_AT) void this.flush();
  }

  /** Writes everything buffered so far; concurrent calls share one write. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  get pending(): number {
    return this.buffer.length;
  }

  private async write(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.clicks.maxBatch);
      try {
        await this.clicks.insertMany(batch);
      } catch (error) {
        this.buffer.unshift(...batch);
        const dropped = Math.max(0, this.buffer.length - MAX_BUFFERED);
        if (dropped > 0) this.buffer.splice(0, dropped);
        this.logger.error({ msg: 'writing clicks failed; kept for the next flush', err: error, buffered: this.buffer.length, dropped });
        return;
      }
    }
  }

  /** Same person, same day, same link → same hash; the IP itself is never kept. */
  private visitorHash(visit: Visit, at: Date): string {
    return createHmac('sha256', this.config.hashKey)
      .update(`${this.dayOf(at)}|${visit.ip}|${visit.userAgent ?? ''}`)
      .digest('base64url')
      .slice(0, 32);
  }

  private dayOf(at: Date): string {
    const ms = at.getTime();
    if (ms < this.day.start || ms >= this.day.end) {
      const start = ms - (ms % DAY_MS);
      this.day = { start, end: start + DAY_MS, label: new Date(start).toISOString().slice(0, 10) };
    }
    return this.day.label;
  }
}

const DAY_MS = 86_400_000;

function refererHost(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).hostname.slice(0, 120) || null;
  } catch {
    return null;
  }
}
