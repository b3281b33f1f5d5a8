import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { XPostBudget } from './x-post-budget.entity';
import { XPost } from './x-post.entity';

/** `YYYY-MM` of `date` in UTC. */
export function budgetMonth(date = new Date()): string {
  return date.toISOString().slice(0, 7);
}

/**
 * X_MONTHLY_POST_BUDGET: X bills per post, so posts per calendar month (UTC) are capped. A post takes
 * its slot before Goodword calls X and keeps it once taken (a retry doesn't take another); the slot
 * goes back only when X certainly created nothing (a 4xx answer).
 */
@Injectable()
export class XPostBudgetService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Takes a slot of this month for the post; false when the month's budget is spent. */
  async reserve(postId: string, now = new Date()): Promise<boolean> {
    const month = budgetMonth(now);
    const limit = this.config.xMonthlyPostBudget;
    return this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder().insert().into(XPostBudget).values({ month, used: 0 }).orIgnore().execute();
      const taken = await manager
        .createQueryBuilder()
        .update(XPostBudget)
        .set({ used: () => 'used + 1' })
        .where('month = :month AND used < :limit', { month, limit })
        .execute();
      if (!taken.affected) return false;
      await manager.update(XPost, { id: postId, budgetMonth: IsNull() }, { budgetMonth: month });
      return true;
    });
  }

  /** Gives the post's slot back (X created nothing for it). */
  async release(postId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const post = await manager.findOneBy(XPost, { id: postId });
      if (!post?.budgetMonth) return;
      await manager
        .createQueryBuilder()
        .update(XPostBudget)
        .set({ used: () => 'used - 1' })
        .where('month = :month AND used > 0', { month: post.budgetMonth })
        .execute();
      await manager.update(XPost, { id: postId }, { budgetMonth: null });
    });
  }

  async usage(now = new Date()): Promise<{ month: string; used: number; budget: number }> {
    const month = budgetMonth(now);
    const row = await this.dataSource.getRepository(XPostBudget).findOneBy({ month });
    return { month, used: row?.used ?? 0, budget: this.config.xMonthlyPostBudget };
  }
}
