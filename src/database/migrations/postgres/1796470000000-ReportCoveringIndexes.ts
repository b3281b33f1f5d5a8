import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Covering indexes for the reach reports: a location's (or a dealer's locations') rollups and responses are
 * read from the index alone (index-only scans), not from heap pages scattered across a year of rows.
 * Declared on the entities with `synchronize: false`: TypeORM doesn't model INCLUDE columns.
 */
export class ReportCoveringIndexes1796470000000 implements MigrationInterface {
    name = 'ReportCoveringIndexes1796470000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_reach_daily_location_day"`);
        await queryRunner.query(`DROP INDEX "ix_reach_daily_campaign_day"`);
        await queryRunner.query(`DROP INDEX "ix_feedback_response_location_time"`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_location_cover" ON "reach_daily" ("location_id", "day") INCLUDE ("human_clicks", "unique_visitors", "bot_hits", "channel", "campaign_id", "share_id")`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_campaign_cover" ON "reach_daily" ("campaign_id", "day") INCLUDE ("location_id", "human_clicks", "unique_visitors", "bot_hits", "channel", "share_id")`);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_location_cover" ON "feedback_response" ("location_id", "responded_at") INCLUDE ("segment", "customer_id", "touchpoint")`);
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
