import { MigrationInterface, QueryRunner } from "typeorm";

/** Clicks captured through the Redis Stream carry their entry id, so a redelivered entry is written once. */
export class ClickCaptureKey1796320000000 implements MigrationInterface {
    name = 'ClickCaptureKey1796320000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "click_event" ADD "capture_key" varchar(40)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_click_event_capture_key" ON "click_event" ("capture_key") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ux_click_event_capture_key"`);
        await queryRunner.query(`ALTER TABLE "click_event" DROP COLUMN "capture_key"`);
    }

}
