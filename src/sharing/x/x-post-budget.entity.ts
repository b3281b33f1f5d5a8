import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UpdatedAtColumn } from '../../database/columns';

/**
 * Posts made (or being made) through the X API per calendar month (UTC): X bills per post, and
 * X_MONTHLY_POST_BUDGET caps them. A slot is taken atomically before posting
 * (`UPDATE … SET used = used + 1 WHERE used < budget`), so concurrent workers never overspend, and is
 * given back only when X certainly created nothing. Kept apart from x_post so erasing a customer
 * doesn't refund the month.
 */
@Entity('x_post_budget')
export class XPostBudget {
  /** `YYYY-MM`, UTC. */
  @PrimaryColumn({ type: 'varchar', length: 7 })
  month: string;

  @Column({ type: 'integer', default: 0 })
  used: number;

  @UpdatedAtColumn()
  updatedAt: Date;
}
