import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Raw click events are read by time only (retention, `reach:rebuild`), never per link (reports read the
 * rollups). The (link, time) index served no query and cost a random-page insert per click: a BRIN index on
 * the time replaces it (rows arrive in time order; a few pages of index per million rows).
 */
export class ClickEventTimeIndex1796540000000 implements MigrationInterface {
    name = 'ClickEventTimeIndex1796540000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_click_event_link_time"`);
        await queryRunner.query(`CREATE INDEX "ix_click_event_time" ON "click_event" USING brin ("occurred_at") WITH (autosummarize = on)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_click_event_time"`);
        await queryRunner.query(`CREATE INDEX "ix_click_event_link_time" ON "click_event" ("link_id", "occurred_at") `);
    }
}
