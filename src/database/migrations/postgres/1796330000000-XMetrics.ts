import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * X metrics: one snapshot of a post's public metrics per milestone after posting (unique per post and
 * milestone, so reads are never doubled), and the monthly count of posts read from X (X bills each).
 */
export class XMetrics1796330000000 implements MigrationInterface {
    name = 'XMetrics1796330000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "x_post_metrics" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "post_id" uuid NOT NULL, "share_id" uuid NOT NULL, "milestone" character varying(4) NOT NULL, "state" character varying(8) NOT NULL, "claim_token" character varying(36), "lease_until" TIMESTAMP WITH TIME ZONE, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "read_at" TIMESTAMP WITH TIME ZONE, "day" character varying(10), "impressions" integer, "impressions_gain" integer, "likes" integer, "reposts" integer, "replies" integer, "quotes" integer, "bookmarks" integer, "follower_count" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_x_post_metrics_state" CHECK ("state" IN ('claimed', 'read', 'gone', 'skipped')), CONSTRAINT "ck_x_post_metrics_milestone" CHECK ("milestone" IN ('1h', '1d', '7d', '30d')), CONSTRAINT "PK_0d7a184e73775249817c65cb564" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_x_post_metrics_share" ON "x_post_metrics" ("share_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_metrics_day" ON "x_post_metrics" ("day") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_post_metrics_post_milestone" ON "x_post_metrics" ("post_id", "milestone") `);
        await queryRunner.query(`CREATE TABLE "x_read_budget" ("month" character varying(7) NOT NULL, "used" integer NOT NULL DEFAULT '0', "rate_limited_until" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2d0f9f40e6d6937aa3774311be4" PRIMARY KEY ("month"))`);
        await queryRunner.query(`ALTER TABLE "x_post_metrics" ADD CONSTRAINT "fk_x_post_metrics_post" FOREIGN KEY ("post_id") REFERENCES "x_post"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "x_post_metrics" DROP CONSTRAINT "fk_x_post_metrics_post"`);
        await queryRunner.query(`DROP TABLE "x_read_budget"`);
        await queryRunner.query(`DROP INDEX "uq_x_post_metrics_post_milestone"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_metrics_day"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_metrics_share"`);
        await queryRunner.query(`DROP TABLE "x_post_metrics"`);
    }

}
