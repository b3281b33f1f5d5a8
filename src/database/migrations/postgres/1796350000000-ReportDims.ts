import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the reach reports group by, copied onto each tracked link when it is made (channel, campaign,
 * recommendation) and from there onto its daily rollups, so reports never join the raw events or the shares.
 * Also the optional touchpoint of a feedback response (sales, service, …).
 */
export class ReportDims1796350000000 implements MigrationInterface {
  name = 'ReportDims1796350000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tracked_link" ADD "channel" character varying(16)`);
    await q.query(`ALTER TABLE "tracked_link" ADD "campaign_id" uuid`);
    await q.query(`ALTER TABLE "tracked_link" ADD "recommendation_id" uuid`);
    await q.query(`ALTER TABLE "reach_daily" ADD "channel" character varying(16)`);
    await q.query(`ALTER TABLE "reach_daily" ADD "campaign_id" uuid`);
    await q.query(`ALTER TABLE "reach_daily" ADD "recommendation_id" uuid`);
    await q.query(`ALTER TABLE "feedback_response" ADD "touchpoint" character varying(40)`);
    await q.query(
      `UPDATE "tracked_link" l SET "channel" = s."channel", "campaign_id" = r."campaign_id", "recommendation_id" = r."id"
         FROM "share" s JOIN "recommendation" r ON r."id" = s."recommendation_id" WHERE s."id" = l."share_id"`,
    );
    await q.query(
      `UPDATE "reach_daily" d SET "channel" = l."channel", "campaign_id" = l."campaign_id", "recommendation_id" = l."recommendation_id"
         FROM "tracked_link" l WHERE l."id" = d."link_id"`,
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
