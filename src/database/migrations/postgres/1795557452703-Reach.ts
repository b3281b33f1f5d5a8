import { MigrationInterface, QueryRunner } from "typeorm";

export class Reach1795557452703 implements MigrationInterface {
    name = 'Reach1795557452703'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "click_event" ("id" SERIAL NOT NULL, "link_id" uuid NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "visitor_hash" character varying(32) NOT NULL, "is_bot" boolean NOT NULL DEFAULT false, "referrer_host" character varying(120), CONSTRAINT "PK_d52e8ea86819177c1cfe71500cd" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_click_event_link_time" ON "click_event"  ("link_id", "occurred_at") `);
        await queryRunner.query(`CREATE TABLE "tracked_link" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(16) NOT NULL, "target_path" character varying(300) NOT NULL, "share_id" uuid, "location_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_be8df46bd0f2597ad73b6b81760" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_tracked_link_code" ON "tracked_link"  ("code") `);
        await queryRunner.query(`CREATE INDEX "ix_tracked_link_share" ON "tracked_link"  ("share_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_tracked_link_share"`);
        await queryRunner.query(`DROP INDEX "uq_tracked_link_code"`);
        await queryRunner.query(`DROP TABLE "tracked_link"`);
        await queryRunner.query(`DROP INDEX "ix_click_event_link_time"`);
        await queryRunner.query(`DROP TABLE "click_event"`);
    }

}
