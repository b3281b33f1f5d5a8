import { MigrationInterface, QueryRunner } from "typeorm";

export class Reach1795557466447 implements MigrationInterface {
    name = 'Reach1795557466447'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "click_event" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "link_id" varchar NOT NULL, "occurred_at" datetime NOT NULL, "visitor_hash" varchar(32) NOT NULL, "is_bot" boolean NOT NULL DEFAULT (0), "referrer_host" varchar(120))`);
        await queryRunner.query(`CREATE INDEX "ix_click_event_link_time" ON "click_event" ("link_id", "occurred_at") `);
        await queryRunner.query(`CREATE TABLE "tracked_link" ("id" varchar PRIMARY KEY NOT NULL, "code" varchar(16) NOT NULL, "target_path" varchar(300) NOT NULL, "share_id" varchar, "location_id" varchar, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "disabled_at" datetime)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_tracked_link_code" ON "tracked_link" ("code") `);
        await queryRunner.query(`CREATE INDEX "ix_tracked_link_share" ON "tracked_link" ("share_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_tracked_link_share"`);
        await queryRunner.query(`DROP INDEX "uq_tracked_link_code"`);
        await queryRunner.query(`DROP TABLE "tracked_link"`);
        await queryRunner.query(`DROP INDEX "ix_click_event_link_time"`);
        await queryRunner.query(`DROP TABLE "click_event"`);
    }

}
