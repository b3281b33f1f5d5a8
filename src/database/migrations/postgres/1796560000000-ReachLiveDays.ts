import { MigrationInterface, QueryRunner } from "typeorm";

const LINK_DAY = `"day", "link_id", "location_id", "share_id", "channel", "campaign_id", "recommendation_id", "human_clicks", "unique_visitors", "bot_hits"`;
const LOCATION_DAY = `"location_id", "day", "human_clicks", "unique_visitors", "bot_hits"`;

/**
 * The daily rollups split in two: the days still counted in small `_live` tables that every batch of clicks
 * updates, the closed days in `_closed` tables (the existing ones, renamed) that the daily fold fills once. An
 * update can't be HOT while the covering indexes hold the counts, so each one added an entry to every index:
 * written through the click writer (10M clicks), `reach_daily`'s location index reached five times its packed
 * size. Reports read views under the old names, the two tables as one.
 */
export class ReachLiveDays1796560000000 implements MigrationInterface {
    name = 'ReachLiveDays1796560000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "reach_daily" RENAME TO "reach_daily_closed"`);
        await queryRunner.query(`ALTER TABLE "reach_location_daily" RENAME TO "reach_location_daily_closed"`);
        await queryRunner.query(`CREATE TABLE "reach_daily_live" ("day" character varying(10) NOT NULL, "link_id" uuid NOT NULL, "location_id" uuid, "share_id" uuid, "channel" character varying(16), "campaign_id" uuid, "recommendation_id" uuid, "human_clicks" integer NOT NULL DEFAULT '0', "unique_visitors" integer NOT NULL DEFAULT '0', "bot_hits" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_reach_daily_live" PRIMARY KEY ("day", "link_id"))`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_live_share" ON "reach_daily_live" ("share_id")`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_live_location_cover" ON "reach_daily_live" ("location_id", "day") INCLUDE ("human_clicks", "unique_visitors", "bot_hits", "channel", "campaign_id", "share_id")`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_live_campaign_cover" ON "reach_daily_live" ("campaign_id", "day") INCLUDE ("location_id", "human_clicks", "unique_visitors", "bot_hits", "channel", "share_id")`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_live_recommendation_cover" ON "reach_daily_live" ("recommendation_id", "day") INCLUDE ("unique_visitors")`);
        await queryRunner.query(`CREATE TABLE "reach_location_daily_live" ("location_id" uuid NOT NULL, "day" character varying(10) NOT NULL, "human_clicks" integer NOT NULL DEFAULT '0', "unique_visitors" integer NOT NULL DEFAULT '0', "bot_hits" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_reach_location_daily_live" PRIMARY KEY ("location_id", "day"))`);
        await queryRunner.query(`CREATE INDEX "ix_reach_location_daily_live_cover" ON "reach_location_daily_live" ("location_id", "day") INCLUDE ("human_clicks", "unique_visitors", "bot_hits")`);
        await queryRunner.query(`CREATE VIEW "reach_daily" AS SELECT ${LINK_DAY} FROM "reach_daily_closed" UNION ALL SELECT ${LINK_DAY} FROM "reach_daily_live"`);
        await queryRunner.query(`CREATE VIEW "reach_location_daily" AS SELECT ${LOCATION_DAY} FROM "reach_location_daily_closed" UNION ALL SELECT ${LOCATION_DAY} FROM "reach_location_daily_live"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP VIEW "reach_location_daily"`);
        await queryRunner.query(`DROP VIEW "reach_daily"`);
        // Folds what is still live into the closed days first: nothing counted is lost going back.
        await queryRunner.query(`INSERT INTO "reach_daily_closed" (${LINK_DAY}) SELECT ${LINK_DAY} FROM "reach_daily_live"
            ON CONFLICT ("day", "link_id") DO UPDATE SET "human_clicks" = "reach_daily_closed"."human_clicks" + excluded."human_clicks", "unique_visitors" = "reach_daily_closed"."unique_visitors" + excluded."unique_visitors", "bot_hits" = "reach_daily_closed"."bot_hits" + excluded."bot_hits"`);
        await queryRunner.query(`INSERT INTO "reach_location_daily_closed" (${LOCATION_DAY}) SELECT ${LOCATION_DAY} FROM "reach_location_daily_live"
            ON CONFLICT ("location_id", "day") DO UPDATE SET "human_clicks" = "reach_location_daily_closed"."human_clicks" + excluded."human_clicks", "unique_visitors" = "reach_location_daily_closed"."unique_visitors" + excluded."unique_visitors", "bot_hits" = "reach_location_daily_closed"."bot_hits" + excluded."bot_hits"`);
        await queryRunner.query(`DROP TABLE "reach_location_daily_live"`);
        await queryRunner.query(`DROP TABLE "reach_daily_live"`);
        await queryRunner.query(`ALTER TABLE "reach_location_daily_closed" RENAME TO "reach_location_daily"`);
        await queryRunner.query(`ALTER TABLE "reach_daily_closed" RENAME TO "reach_daily"`);
    }
}
