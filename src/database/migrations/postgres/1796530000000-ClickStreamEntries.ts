import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Redelivered stream entries are recognised by entry id (one row per entry) instead of a unique key on every
 * click. Entries written in the last week are carried over from the old keys, so one still pending at the
 * upgrade (a worker died between its commit and its acknowledgement) is not written twice.
 */
export class ClickStreamEntries1796530000000 implements MigrationInterface {
    name = 'ClickStreamEntries1796530000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "click_stream_entry" ("entry_id" character varying(40) NOT NULL, CONSTRAINT "PK_click_stream_entry" PRIMARY KEY ("entry_id"))`);
        await queryRunner.query(`INSERT INTO "click_stream_entry" ("entry_id")
            SELECT DISTINCT split_part("capture_key", '/', 1) FROM "click_event"
             WHERE "capture_key" IS NOT NULL AND "occurred_at" >= now() - interval '7 days'`);
        await queryRunner.query(`DROP INDEX "ux_click_event_capture_key"`);
        await queryRunner.query(`ALTER TABLE "click_event" DROP COLUMN "capture_key"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "click_event" ADD "capture_key" varchar(40)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_click_event_capture_key" ON "click_event" ("capture_key") `);
        await queryRunner.query(`DROP TABLE "click_stream_entry"`);
    }

}
