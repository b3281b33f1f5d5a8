import { MigrationInterface, QueryRunner } from "typeorm";

export class ReachDaily1796300000300 implements MigrationInterface {
    name = 'ReachDaily1796300000300'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "reach_daily" ("day" character varying(10) NOT NULL, "link_id" uuid NOT NULL, "location_id" uuid, "share_id" uuid, "human_clicks" integer NOT NULL DEFAULT '0', "unique_visitors" integer NOT NULL DEFAULT '0', "bot_hits" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_6098382c6cbe48ae9d8cb22eed2" PRIMARY KEY ("day", "link_id"))`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_share" ON "reach_daily"  ("share_id") `);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_location_day" ON "reach_daily"  ("location_id", "day") `);
        await queryRunner.query(`CREATE TABLE "reach_visitor_day" ("link_id" uuid NOT NULL, "day" character varying(10) NOT NULL, "visitor_hash" character varying(32) NOT NULL, CONSTRAINT "PK_e90b76a49057c24cfebe0467053" PRIMARY KEY ("link_id", "day", "visitor_hash"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "reach_visitor_day"`);
        await queryRunner.query(`DROP INDEX "ix_reach_daily_location_day"`);
        await queryRunner.query(`DROP INDEX "ix_reach_daily_share"`);
        await queryRunner.query(`DROP TABLE "reach_daily"`);
    }

}
