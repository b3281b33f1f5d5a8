import { MigrationInterface, QueryRunner } from "typeorm";

/** As on PostgreSQL: raw click events are read by time only; SQLite has no BRIN, and a time index is appended to at its end. */
export class ClickEventTimeIndex1796540000000 implements MigrationInterface {
    name = 'ClickEventTimeIndex1796540000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_click_event_link_time"`);
        await queryRunner.query(`CREATE INDEX "ix_click_event_time" ON "click_event" ("occurred_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_click_event_time"`);
        await queryRunner.query(`CREATE INDEX "ix_click_event_link_time" ON "click_event" ("link_id", "occurred_at") `);
    }
}
