import { MigrationInterface, QueryRunner } from "typeorm";

/** Daily reach per location, and monthly per location, channel and campaign (reach_daily added up), filled from the rollups kept so far. */
export class ReachLocationRollups1796490000000 implements MigrationInterface {
    name = 'ReachLocationRollups1796490000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "reach_location_daily" ("location_id" uuid NOT NULL, "day" character varying(10) NOT NULL, "human_clicks" integer NOT NULL DEFAULT '0', "unique_visitors" integer NOT NULL DEFAULT '0', "bot_hits" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_ccc2ec1f3c2db4d290bfedf8d4a" PRIMARY KEY ("location_id", "day"))`);
        await queryRunner.query(`CREATE INDEX "ix_reach_location_daily_day" ON "reach_location_daily"  ("day") `);
        await queryRunner.query(`INSERT INTO "reach_location_daily" ("location_id", "day", "human_clicks", "unique_visitors", "bot_hits")
            SELECT "location_id", "day", SUM("human_clicks"), SUM("unique_visitors"), SUM("bot_hits") FROM "reach_daily"
            WHERE "location_id" IS NOT NULL GROUP BY "location_id", "day"`);
        await queryRunner.query(`CREATE TABLE "reach_location_monthly" ("location_id" uuid NOT NULL, "month" character varying(7) NOT NULL, "channel" character varying(16) NOT NULL DEFAULT '', "campaign_id" character varying(36) NOT NULL DEFAULT '', "human_clicks" integer NOT NULL DEFAULT '0', "unique_visitors" integer NOT NULL DEFAULT '0', "bot_hits" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_d3654f26e0008cd4a098ecd9ef6" PRIMARY KEY ("location_id", "month", "channel", "campaign_id"))`);
        await queryRunner.query(`INSERT INTO "reach_location_monthly" ("location_id", "month", "channel", "campaign_id", "human_clicks", "unique_visitors", "bot_hits")
            SELECT "location_id", substr("day", 1, 7), COALESCE("channel", ''), COALESCE("campaign_id"::text, ''), SUM("human_clicks"), SUM("unique_visitors"), SUM("bot_hits") FROM "reach_daily"
            WHERE "location_id" IS NOT NULL GROUP BY 1, 2, 3, 4`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "reach_location_monthly"`);
        await queryRunner.query(`DROP INDEX "ix_reach_location_daily_day"`);
        await queryRunner.query(`DROP TABLE "reach_location_daily"`);
    }
}
