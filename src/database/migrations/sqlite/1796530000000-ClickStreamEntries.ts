import { MigrationInterface, QueryRunner } from "typeorm";

/** As on PostgreSQL: redelivered stream entries are recognised by entry id, carried over from the old per-click keys. */
export class ClickStreamEntries1796530000000 implements MigrationInterface {
    name = 'ClickStreamEntries1796530000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "click_stream_entry" ("entry_id" varchar(40) PRIMARY KEY NOT NULL)`);
        await queryRunner.query(`INSERT INTO "click_stream_entry" ("entry_id")
            SELECT DISTINCT substr("capture_key", 1, instr("capture_key", '/') - 1) FROM "click_event"
             WHERE "capture_key" IS NOT NULL AND instr("capture_key", '/') > 0 AND "occurred_at" >= datetime('now', '-7 days')`);
        await queryRunner.query(`DROP INDEX "ux_click_event_capture_key"`);
        await queryRunner.query(`ALTER TABLE "click_event" DROP COLUMN "capture_key"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "click_event" ADD "capture_key" varchar(40)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_click_event_capture_key" ON "click_event" ("capture_key") `);
        await queryRunner.query(`DROP TABLE "click_stream_entry"`);
    }

}
