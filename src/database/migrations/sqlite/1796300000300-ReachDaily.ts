import { MigrationInterface, QueryRunner } from "typeorm";

export class ReachDaily1796300000300 implements MigrationInterface {
    name = 'ReachDaily1796300000300'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "reach_daily" ("day" varchar(10) NOT NULL, "link_id" varchar NOT NULL, "location_id" varchar, "share_id" varchar, "human_clicks" integer NOT NULL DEFAULT (0), "unique_visitors" integer NOT NULL DEFAULT (0), "bot_hits" integer NOT NULL DEFAULT (0), PRIMARY KEY ("day", "link_id"))`);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_share" ON "reach_daily" ("share_id") `);
        await queryRunner.query(`CREATE INDEX "ix_reach_daily_location_day" ON "reach_daily" ("location_id", "day") `);
        await queryRunner.query(`CREATE TABLE "reach_visitor_day" ("link_id" varchar NOT NULL, "day" varchar(10) NOT NULL, "visitor_hash" varchar(32) NOT NULL, PRIMARY KEY ("link_id", "day", "visitor_hash"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "reach_visitor_day"`);
        await queryRunner.query(`DROP INDEX "ix_reach_daily_location_day"`);
        await queryRunner.query(`DROP INDEX "ix_reach_daily_share"`);
        await queryRunner.query(`DROP TABLE "reach_daily"`);
    }

}
