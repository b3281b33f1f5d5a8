import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DAY_MS, utcDay } from '../common/time/days';

/** Today's and tomorrow's salts are made ahead, and kept fresh, so a click never waits for one. */
const REFRESH_EVERY_MS = 10 * 60_000;

/**
 * One random salt per UTC day, shared by every process through the database (the first to insert a day's
 * salt wins; the others read it), held in memory for the hot path and deleted two days after its day.
 */
@Injectable()
export class VisitorSalts implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(VisitorSalts.name);
  private readonly salts = new Map<string, Buffer>();
  private timer?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit() {
    await this.refresh();
    this.timer = setInterval(() => this.refresh().catch((err) => this.logger.error({ msg: 'refreshing visitor salts failed', err })), REFRESH_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  /** The salt of a day if it is in memory (it normally is: see `refresh`). */
  get(day: string): Buffer | undefined {
    return this.salts.get(day);
  }

  /** Loads (making them if needed) the salts of these days, unless they are already expired. */
  async load(days: string[], now = Date.now()): Promise<void> {
    const oldest = utcDay(now - DAY_MS);
    for (const day of new Set(days)) {
      if (this.salts.has(day) || day < oldest) continue;
      await this.dataSource.query(`INSERT INTO visitor_salt (day, salt) VALUES (${this.p(1)}, ${this.p(2)}) ON CONFLICT (day) DO NOTHING`, [
        day,
        randomBytes(32).toString('base64url'),
      ]);
      const [row] = (await this.dataSource.query(`SELECT salt FROM visitor_salt WHERE day = ${this.p(1)}`, [day])) as { salt: string }[];
      this.salts.set(day, Buffer.from(row.salt, 'base64url'));
    }
  }

  /**
   * Makes today's and tomorrow's salts and deletes those older than yesterday, in the database and in memory.
   * Yesterday's stays so that clicks buffered across midnight still hash under their own day's salt.
   */
  async refresh(now = Date.now()): Promise<void> {
    const oldest = utcDay(now - DAY_MS);
    await this.dataSource.query(`DELETE FROM visitor_salt WHERE day < ${this.p(1)}`, [oldest]);
    for (const day of this.salts.keys()) if (day < oldest) this.salts.delete(day);
    await this.load([utcDay(now), utcDay(now + DAY_MS)], now);
  }

  private p(n: number): string {
    return this.dataSource.options.type === 'postgres' ? `$${n}` : '?';
  }
}
