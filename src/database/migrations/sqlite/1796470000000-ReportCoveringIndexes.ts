import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Covering indexes for the reach reports (see the PostgreSQL migration). SQLite has no INCLUDE: the read
 * columns trail the key columns, which covers the same queries.
 */
export class ReportCoveringIndexes1796470000000 implements MigrationInterface {
    name = 'ReportCoveringIndexes1796470000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_reach_daily_location_day"`);
        await queryRunner.query(`DROP INDEX "ix_reach_daily_campaign_day"`);
        await queryRunner.query(`DROP INDEX "ix_feedback_response_location_time"`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_location_cover" ON "reach_daily" ("location_id", "day", "human_clicks", "unique_visitors", "bot_hits", "channel", "campaign_id", "share_id")`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_campaign_cover" ON "reach_daily" ("campaign_id", "day", "location_id", "human_clicks", "unique_visitors", "bot_hits", "channel", "share_id")`);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_location_cover" ON "feedback_response" ("location_id", "responded_at", "segment", "customer_id", "touchpoint")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_feedback_response_location_cover"`);
        await queryRunner.query(`DROP INDEX "ix_reach_daily_campaign_cover"`);
        await queryRunner.query(`DROP INDEX "ix_reach_daily_location_cover"`);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_location_time" ON "feedback_response" ("location_id", "responded_at")`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_campaign_day" ON "reach_daily" ("campaign_id", "day")`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_location_day" ON "reach_daily" ("location_id", "day")`);
    }

}
