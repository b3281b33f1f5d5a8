import { MigrationInterface, QueryRunner } from "typeorm";

/** X metrics snapshots per post and milestone, and the monthly count of posts read from X (see the PostgreSQL migration). */
export class XMetrics1796330000000 implements MigrationInterface {
    name = 'XMetrics1796330000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "x_post_metrics" ("id" varchar PRIMARY KEY NOT NULL, "post_id" varchar NOT NULL, "share_id" varchar NOT NULL, "milestone" varchar(4) NOT NULL, "state" varchar(8) NOT NULL, "claim_token" varchar(36), "lease_until" datetime, "due_at" datetime NOT NULL, "read_at" datetime, "day" varchar(10), "impressions" integer, "impressions_gain" integer, "likes" integer, "reposts" integer, "replies" integer, "quotes" integer, "bookmarks" integer, "follower_count" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_x_post_metrics_state" CHECK ("state" IN ('claimed', 'read', 'gone', 'skipped')), CONSTRAINT "ck_x_post_metrics_milestone" CHECK ("milestone" IN ('1h', '1d', '7d', '30d')), CONSTRAINT "fk_x_post_metrics_post" FOREIGN KEY ("post_id") REFERENCES "x_post" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`CREATE INDEX "ix_x_post_metrics_share" ON "x_post_metrics" ("share_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_metrics_day" ON "x_post_metrics" ("day") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_post_metrics_post_milestone" ON "x_post_metrics" ("post_id", "milestone") `);
        await queryRunner.query(`CREATE TABLE "x_read_budget" ("month" varchar(7) PRIMARY KEY NOT NULL, "used" integer NOT NULL DEFAULT (0), "rate_limited_until" datetime, "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "x_read_budget"`);
        await queryRunner.query(`DROP INDEX "uq_x_post_metrics_post_milestone"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_metrics_day"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_metrics_share"`);
        await queryRunner.query(`DROP TABLE "x_post_metrics"`);
    }

}
