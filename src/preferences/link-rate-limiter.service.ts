import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { dialectOf, readCount, SqlParams } from '../database/sql';
import { LinkRequest } from './link-request.entity';

/** "Email me a fresh link": requests per client IP and per address, per hour. */
export const FRESH_LINK_LIMITS = { perIp: 10, perAddress: 3, windowMs: 60 * 60 * 1000 } as const;

/**
 * Counts requests in the database, so every API process shares one limit (and a restart doesn't reset
 * it). Check-then-insert is not atomic: racing requests may pass a limit by a few, which is fine for
 * an abuse limit.
 */
@Injectable()
export class LinkRateLimiter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a request in `bucket` and returns true, or returns false (recording nothing) when the bucket is full. */
  async take(bucket: string, limit: number, windowMs: number, now = new Date()): Promise<boolean> {
    const manager = this.dataSource.manager;
    const p = new SqlParams(dialectOf(manager));
    const [row] = await manager.query(
      `SELECT count(*) AS n FROM link_request WHERE bucket = ${p.add(bucket)} AND created_at > ${p.time(new Date(now.getTime() - windowMs))}`,
      p.values,
    );
    if (readCount(row?.n) >= limit) return false;
    await manager.insert(LinkRequest, { bucket, createdAt: now });
    return true;
  }

  /** Forgets requests older than a day. */
  async prune(now = new Date()): Promise<number> {
    const result = await this.dataSource.manager.delete(LinkRequest, { createdAt: LessThan(new Date(now.getTime() - 24 * 3600_000)) });
    return result.affected ?? 0;
  }
}
