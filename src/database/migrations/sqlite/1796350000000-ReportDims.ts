import { MigrationInterface, QueryRunner } from 'typeorm';

/** See the PostgreSQL migration of the same name. */
export class ReportDims1796350000000 implements MigrationInterface {
  name = 'ReportDims1796350000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const table of ['tracked_link', 'reach_daily']) {
      await q.query(`ALTER TABLE "${table}" ADD COLUMN "channel" varchar(16)`);
      await q.query(`ALTER TABLE "${table}" ADD COLUMN "campaign_id" varchar`);
      await q.query(`ALTER TABLE "${table}" ADD COLUMN "recommendation_id" varchar`);
    }
    await q.query(`ALTER TABLE "feedback_response" ADD COLUMN "touchpoint" varchar(40)`);
    await q.query(
      `UPDATE "tracked_link" SET
         "channel" = (SELECT s."channel" FROM "share" s WHERE s."id" = "tracked_link"."share_id"),
         "recommendation_id" = (SELECT s."recommendation_id" FROM "share" s WHERE s."id" = "tracked_link"."share_id"),
         "campaign_id" = (SELECT r."campaign_id" FROM "share" s JOIN "recommendation" r ON r."id" = s."recommendation_id" WHERE s."id" = "tracked_link"."share_id")
       WHERE "share_id" IS NOT NULL`,
    );
    await q.query(
      `UPDATE "reach_daily" SET
         "channel" = (SELECT l."channel" FROM "tracked_link" l WHERE l."id" = "reach_daily"."link_id"),
         "campaign_id" = (SELECT l."campaign_id" FROM "tracked_link" l WHERE l."id" = "reach_daily"."link_id"),
         "recommendation_id" = (SELECT l."recommendation_id" FROM "tracked_link" l WHERE l."id" = "reach_daily"."link_id")`,
    );
    await q.query(`CREATE INDEX "ix_reach_daily_campaign_day" ON "reach_daily" ("campaign_id", "day") `);
    await q.query(`CREATE INDEX "ix_reach_daily_day" ON "reach_daily" ("day") `);
    await q.query(`CREATE INDEX "ix_reach_daily_recommendation_day" ON "reach_daily" ("recommendation_id", "day") `);
    await q.query(`CREATE INDEX "ix_feedback_response_responded" ON "feedback_response" ("responded_at") `);
    await q.query(`CREATE INDEX "ix_invitation_location_created" ON "invitation" ("location_id", "created_at") `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_invitation_location_created"`);
    await q.query(`DROP INDEX "ix_feedback_response_responded"`);
    await q.query(`DROP INDEX "ix_reach_daily_recommendation_day"`);
    await q.query(`DROP INDEX "ix_reach_daily_day"`);
    await q.query(`DROP INDEX "ix_reach_daily_campaign_day"`);
    await q.query(`ALTER TABLE "feedback_response" DROP COLUMN "touchpoint"`);
    for (const table of ['reach_daily', 'tracked_link']) {
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "recommendation_id"`);
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "campaign_id"`);
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "channel"`);
    }
  }
}
