import { MigrationInterface, QueryRunner } from "typeorm";

/** Hand-written: the generator would drop and re-add `id`; this widens it in place and keeps the rows. */
export class ClickKeys1796300000400 implements MigrationInterface {
    name = 'ClickKeys1796300000400'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "click_event" ALTER COLUMN "id" TYPE bigint`);
        await queryRunner.query(`ALTER SEQUENCE "click_event_id_seq" AS bigint`);
        await queryRunner.query(`CREATE INDEX "ix_tracked_link_location" ON "tracked_link"  ("location_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_tracked_link_location"`);
        await queryRunner.query(`ALTER SEQUENCE "click_event_id_seq" AS integer`);
        await queryRunner.query(`ALTER TABLE "click_event" ALTER COLUMN "id" TYPE integer`);
    }

}
