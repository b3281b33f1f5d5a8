import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn, UpdatedAtColumn } from '../../database/columns';

/**
 * Posts read from X (metrics lookups) per calendar month (UTC): X bills each post a read returns, and
 * X_MONTHLY_READ_BUDGET caps them. Reads are reserved before the call
 * (`UPDATE … SET used = used + n WHERE used + n <= budget`), so concurrent workers never overspend, and the
 * posts X did not return are given back. `rate_limited_until`: X answered 429; no run reads before then.
 */
@Entity('x_read_budget')
export class XReadBudget {
  /** `YYYY-MM`, UTC. */
  @PrimaryColumn({ type: 'varchar', length: 7 })
  month: string;

  @Column({ type: 'integer', default: 0 })
  used: number;

  @TimestampColumn({ name: 'rate_limited_until', nullable: true })
  rateLimitedUntil: Date | null;

  @UpdatedAtColumn()
  updatedAt: Date;
}
