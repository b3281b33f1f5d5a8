import { MigrationInterface, QueryRunner } from "typeorm";

/** Covering indexes for the per-location rollups: a report scoped to locations reads them with index-only scans (no heap visit per row). */
export class ReachLocationCover1796500000000 implements MigrationInterface {
    name = 'ReachLocationCover1796500000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "ix_reach_location_daily_cover" ON "reach_location_daily" ("location_id", "day") INCLUDE ("human_clicks", "unique_visitors", "bot_hits")`);
        await queryRunner.query(`CREATE INDEX "ix_reach_location_monthly_cover" ON "reach_location_monthly" ("location_id", "month") INCLUDE ("channel", "campaign_id", "human_clicks", "unique_visitors", "bot_hits")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_reach_location_monthly_cover"`);
        await queryRunner.query(`DROP INDEX "ix_reach_location_daily_cover"`);
    }
}
