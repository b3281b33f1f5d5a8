import { MigrationInterface, QueryRunner } from "typeorm";

/** The advocate list's visitor sums read from the index alone (see the PostgreSQL migration); SQLite has no INCLUDE. */
export class AdvocateReachCover1796520000000 implements MigrationInterface {
    name = 'AdvocateReachCover1796520000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_reach_daily_recommendation_day"`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_recommendation_cover" ON "reach_daily" ("recommendation_id", "day", "unique_visitors")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_reach_daily_recommendation_cover"`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_recommendation_day" ON "reach_daily" ("recommendation_id", "day")`);
    }

}
