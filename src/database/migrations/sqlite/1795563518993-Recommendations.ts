import { MigrationInterface, QueryRunner } from "typeorm";

export class Recommendations1795563518993 implements MigrationInterface {
    name = 'Recommendations1795563518993'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "recommendation" ("id" varchar PRIMARY KEY NOT NULL, "invitation_id" varchar NOT NULL, "customer_id" varchar NOT NULL, "campaign_id" varchar NOT NULL, "location_id" varchar NOT NULL, "author_name" varchar(80), "text" text, "text_hash" varchar(64) NOT NULL, "channels" text NOT NULL, "reward_accepted" boolean NOT NULL DEFAULT (0), "approved_at" datetime NOT NULL, "withdrawn_at" datetime, "hidden_at" datetime, "hidden_reason" varchar(300), "erased_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_recommendation_erased" CHECK ("erased_at" IS NULL OR ("text" IS NULL AND "author_name" IS NULL)))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_recommendation_invitation" ON "recommendation" ("invitation_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_customer" ON "recommendation" ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_campaign" ON "recommendation" ("campaign_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_location_approved" ON "recommendation" ("location_id", "approved_at") `);
        await queryRunner.query(`CREATE TABLE "share" ("id" varchar PRIMARY KEY NOT NULL, "recommendation_id" varchar NOT NULL, "channel" varchar(16) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_share_channel" CHECK ("channel" IN ('x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy', 'x_post')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_share_recommendation_channel" ON "share" ("recommendation_id", "channel") `);
        await queryRunner.query(`CREATE TABLE "recommendation_approval_request" ("recommendation_id" varchar PRIMARY KEY NOT NULL, "ip" varchar(45), "user_agent" varchar(500), "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`DROP INDEX "uq_recommendation_invitation"`);
        await queryRunner.query(`DROP INDEX "ix_recommendation_customer"`);
        await queryRunner.query(`DROP INDEX "ix_recommendation_campaign"`);
        await queryRunner.query(`DROP INDEX "ix_recommendation_location_approved"`);
        await queryRunner.query(`CREATE TABLE "temporary_recommendation" ("id" varchar PRIMARY KEY NOT NULL, "invitation_id" varchar NOT NULL, "customer_id" varchar NOT NULL, "campaign_id" varchar NOT NULL, "location_id" varchar NOT NULL, "author_name" varchar(80), "text" text, "text_hash" varchar(64) NOT NULL, "channels" text NOT NULL, "reward_accepted" boolean NOT NULL DEFAULT (0), "approved_at" datetime NOT NULL, "withdrawn_at" datetime, "hidden_at" datetime, "hidden_reason" varchar(300), "erased_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_recommendation_erased" CHECK ("erased_at" IS NULL OR ("text" IS NULL AND "author_name" IS NULL)), CONSTRAINT "fk_recommendation_invitation" FOREIGN KEY ("invitation_id") REFERENCES "invitation" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_recommendation_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_recommendation_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_recommendation_location" FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_recommendation"("id", "invitation_id", "customer_id", "campaign_id", "location_id", "author_name", "text", "text_hash", "channels", "reward_accepted", "approved_at", "withdrawn_at", "hidden_at", "hidden_reason", "erased_at", "created_at") SELECT "id", "invitation_id", "customer_id", "campaign_id", "location_id", "author_name", "text", "text_hash", "channels", "reward_accepted", "approved_at", "withdrawn_at", "hidden_at", "hidden_reason", "erased_at", "created_at" FROM "recommendation"`);
        await queryRunner.query(`DROP TABLE "recommendation"`);
        await queryRunner.query(`ALTER TABLE "temporary_recommendation" RENAME TO "recommendation"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_recommendation_invitation" ON "recommendation" ("invitation_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_customer" ON "recommendation" ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_campaign" ON "recommendation" ("campaign_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_location_approved" ON "recommendation" ("location_id", "approved_at") `);
        await queryRunner.query(`DROP INDEX "uq_share_recommendation_channel"`);
        await queryRunner.query(`CREATE TABLE "temporary_share" ("id" varchar PRIMARY KEY NOT NULL, "recommendation_id" varchar NOT NULL, "channel" varchar(16) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_share_channel" CHECK ("channel" IN ('x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy', 'x_post')), CONSTRAINT "fk_share_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendation" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_share"("id", "recommendation_id", "channel", "created_at") SELECT "id", "recommendation_id", "channel", "created_at" FROM "share"`);
        await queryRunner.query(`DROP TABLE "share"`);
        await queryRunner.query(`ALTER TABLE "temporary_share" RENAME TO "share"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_share_recommendation_channel" ON "share" ("recommendation_id", "channel") `);
        await queryRunner.query(`DROP INDEX "ix_tracked_link_share"`);
        await queryRunner.query(`DROP INDEX "uq_tracked_link_code"`);
        await queryRunner.query(`CREATE TABLE "temporary_tracked_link" ("id" varchar PRIMARY KEY NOT NULL, "code" varchar(16) NOT NULL, "target_path" varchar(300) NOT NULL, "share_id" varchar, "location_id" varchar, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "disabled_at" datetime, CONSTRAINT "fk_tracked_link_share" FOREIGN KEY ("share_id") REFERENCES "share" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_tracked_link"("id", "code", "target_path", "share_id", "location_id", "created_at", "disabled_at") SELECT "id", "code", "target_path", "share_id", "location_id", "created_at", "disabled_at" FROM "tracked_link"`);
        await queryRunner.query(`DROP TABLE "tracked_link"`);
        await queryRunner.query(`ALTER TABLE "temporary_tracked_link" RENAME TO "tracked_link"`);
        await queryRunner.query(`CREATE INDEX "ix_tracked_link_share" ON "tracked_link" ("share_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_tracked_link_code" ON "tracked_link" ("code") `);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_expires_at"`);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_customer"`);
        await queryRunner.query(`DROP INDEX "uq_x_oauth_state_hash"`);
        await queryRunner.query(`CREATE TABLE "temporary_x_oauth_state" ("id" varchar PRIMARY KEY NOT NULL, "state_hash" varchar(64) NOT NULL, "code_verifier_enc" text NOT NULL, "customer_id" varchar NOT NULL, "return_to" varchar(500) NOT NULL, "share_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_x_oauth_state_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_x_oauth_state_share" FOREIGN KEY ("share_id") REFERENCES "share" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_x_oauth_state"("id", "state_hash", "code_verifier_enc", "customer_id", "return_to", "share_id", "expires_at", "used_at", "created_at") SELECT "id", "state_hash", "code_verifier_enc", "customer_id", "return_to", "share_id", "expires_at", "used_at", "created_at" FROM "x_oauth_state"`);
        await queryRunner.query(`DROP TABLE "x_oauth_state"`);
        await queryRunner.query(`ALTER TABLE "temporary_x_oauth_state" RENAME TO "x_oauth_state"`);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_expires_at" ON "x_oauth_state" ("expires_at") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_customer" ON "x_oauth_state" ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_oauth_state_hash" ON "x_oauth_state" ("state_hash") `);
        await queryRunner.query(`DROP INDEX "ix_x_post_status_posted_at"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_connection"`);
        await queryRunner.query(`DROP INDEX "uq_x_post_share"`);
        await queryRunner.query(`CREATE TABLE "temporary_x_post" ("id" varchar PRIMARY KEY NOT NULL, "share_id" varchar NOT NULL, "connection_id" varchar NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('queued'), "text" text, "text_hash" varchar(64) NOT NULL, "tracked_url" varchar(500) NOT NULL, "x_post_id" varchar(32), "follower_count" integer, "posted_at" datetime, "deleted_at" datetime, "last_error" varchar(200), "attempts" integer NOT NULL DEFAULT (0), "lease_until" datetime, "budget_month" varchar(7), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_x_post_status" CHECK (("status" IN ('queued', 'posted', 'failed', 'deleted'))), CONSTRAINT "fk_x_post_connection" FOREIGN KEY ("connection_id") REFERENCES "x_connection" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_x_post_share" FOREIGN KEY ("share_id") REFERENCES "share" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_x_post"("id", "share_id", "connection_id", "status", "text", "text_hash", "tracked_url", "x_post_id", "follower_count", "posted_at", "deleted_at", "last_error", "attempts", "lease_until", "budget_month", "created_at", "updated_at") SELECT "id", "share_id", "connection_id", "status", "text", "text_hash", "tracked_url", "x_post_id", "follower_count", "posted_at", "deleted_at", "last_error", "attempts", "lease_until", "budget_month", "created_at", "updated_at" FROM "x_post"`);
        await queryRunner.query(`DROP TABLE "x_post"`);
        await queryRunner.query(`ALTER TABLE "temporary_x_post" RENAME TO "x_post"`);
        await queryRunner.query(`CREATE INDEX "ix_x_post_status_posted_at" ON "x_post" ("status", "posted_at") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_connection" ON "x_post" ("connection_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_post_share" ON "x_post" ("share_id") `);
        await queryRunner.query(`CREATE TABLE "temporary_recommendation_approval_request" ("recommendation_id" varchar PRIMARY KEY NOT NULL, "ip" varchar(45), "user_agent" varchar(500), "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_approval_request_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendation" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_recommendation_approval_request"("recommendation_id", "ip", "user_agent", "created_at") SELECT "recommendation_id", "ip", "user_agent", "created_at" FROM "recommendation_approval_request"`);
        await queryRunner.query(`DROP TABLE "recommendation_approval_request"`);
        await queryRunner.query(`ALTER TABLE "temporary_recommendation_approval_request" RENAME TO "recommendation_approval_request"`);
        // An approved text is consent evidence: the database itself refuses to change it (erasure may only clear it).
        // A later migration that rebuilds this table must create the trigger again (the migrations test checks it).
        await queryRunner.query(`CREATE TRIGGER recommendation_approved_immutable BEFORE UPDATE ON "recommendation"
          WHEN NEW.text_hash IS NOT OLD.text_hash OR NEW.approved_at IS NOT OLD.approved_at OR NEW.channels IS NOT OLD.channels
            OR NEW.invitation_id IS NOT OLD.invitation_id OR NEW.customer_id IS NOT OLD.customer_id
            OR NEW.reward_accepted IS NOT OLD.reward_accepted OR (NEW.text IS NOT NULL AND NEW.text IS NOT OLD.text)
          BEGIN SELECT RAISE(ABORT, 'an approved recommendation is immutable'); END`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER recommendation_approved_immutable`);
        await queryRunner.query(`ALTER TABLE "recommendation_approval_request" RENAME TO "temporary_recommendation_approval_request"`);
        await queryRunner.query(`CREATE TABLE "recommendation_approval_request" ("recommendation_id" varchar PRIMARY KEY NOT NULL, "ip" varchar(45), "user_agent" varchar(500), "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "recommendation_approval_request"("recommendation_id", "ip", "user_agent", "created_at") SELECT "recommendation_id", "ip", "user_agent", "created_at" FROM "temporary_recommendation_approval_request"`);
        await queryRunner.query(`DROP TABLE "temporary_recommendation_approval_request"`);
        await queryRunner.query(`DROP INDEX "uq_x_post_share"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_connection"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_status_posted_at"`);
        await queryRunner.query(`ALTER TABLE "x_post" RENAME TO "temporary_x_post"`);
        await queryRunner.query(`CREATE TABLE "x_post" ("id" varchar PRIMARY KEY NOT NULL, "share_id" varchar NOT NULL, "connection_id" varchar NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('queued'), "text" text, "text_hash" varchar(64) NOT NULL, "tracked_url" varchar(500) NOT NULL, "x_post_id" varchar(32), "follower_count" integer, "posted_at" datetime, "deleted_at" datetime, "last_error" varchar(200), "attempts" integer NOT NULL DEFAULT (0), "lease_until" datetime, "budget_month" varchar(7), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_x_post_status" CHECK (("status" IN ('queued', 'posted', 'failed', 'deleted'))), CONSTRAINT "fk_x_post_connection" FOREIGN KEY ("connection_id") REFERENCES "x_connection" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "x_post"("id", "share_id", "connection_id", "status", "text", "text_hash", "tracked_url", "x_post_id", "follower_count", "posted_at", "deleted_at", "last_error", "attempts", "lease_until", "budget_month", "created_at", "updated_at") SELECT "id", "share_id", "connection_id", "status", "text", "text_hash", "tracked_url", "x_post_id", "follower_count", "posted_at", "deleted_at", "last_error", "attempts", "lease_until", "budget_month", "created_at", "updated_at" FROM "temporary_x_post"`);
        await queryRunner.query(`DROP TABLE "temporary_x_post"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_post_share" ON "x_post" ("share_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_connection" ON "x_post" ("connection_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_status_posted_at" ON "x_post" ("status", "posted_at") `);
        await queryRunner.query(`DROP INDEX "uq_x_oauth_state_hash"`);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_customer"`);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_expires_at"`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" RENAME TO "temporary_x_oauth_state"`);
        await queryRunner.query(`CREATE TABLE "x_oauth_state" ("id" varchar PRIMARY KEY NOT NULL, "state_hash" varchar(64) NOT NULL, "code_verifier_enc" text NOT NULL, "customer_id" varchar NOT NULL, "return_to" varchar(500) NOT NULL, "share_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_x_oauth_state_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "x_oauth_state"("id", "state_hash", "code_verifier_enc", "customer_id", "return_to", "share_id", "expires_at", "used_at", "created_at") SELECT "id", "state_hash", "code_verifier_enc", "customer_id", "return_to", "share_id", "expires_at", "used_at", "created_at" FROM "temporary_x_oauth_state"`);
        await queryRunner.query(`DROP TABLE "temporary_x_oauth_state"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_oauth_state_hash" ON "x_oauth_state" ("state_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_customer" ON "x_oauth_state" ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_expires_at" ON "x_oauth_state" ("expires_at") `);
        await queryRunner.query(`DROP INDEX "uq_tracked_link_code"`);
        await queryRunner.query(`DROP INDEX "ix_tracked_link_share"`);
        await queryRunner.query(`ALTER TABLE "tracked_link" RENAME TO "temporary_tracked_link"`);
        await queryRunner.query(`CREATE TABLE "tracked_link" ("id" varchar PRIMARY KEY NOT NULL, "code" varchar(16) NOT NULL, "target_path" varchar(300) NOT NULL, "share_id" varchar, "location_id" varchar, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "disabled_at" datetime)`);
        await queryRunner.query(`INSERT INTO "tracked_link"("id", "code", "target_path", "share_id", "location_id", "created_at", "disabled_at") SELECT "id", "code", "target_path", "share_id", "location_id", "created_at", "disabled_at" FROM "temporary_tracked_link"`);
        await queryRunner.query(`DROP TABLE "temporary_tracked_link"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_tracked_link_code" ON "tracked_link" ("code") `);
        await queryRunner.query(`CREATE INDEX "ix_tracked_link_share" ON "tracked_link" ("share_id") `);
        await queryRunner.query(`DROP INDEX "uq_share_recommendation_channel"`);
        await queryRunner.query(`ALTER TABLE "share" RENAME TO "temporary_share"`);
        await queryRunner.query(`CREATE TABLE "share" ("id" varchar PRIMARY KEY NOT NULL, "recommendation_id" varchar NOT NULL, "channel" varchar(16) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_share_channel" CHECK ("channel" IN ('x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy', 'x_post')))`);
        await queryRunner.query(`INSERT INTO "share"("id", "recommendation_id", "channel", "created_at") SELECT "id", "recommendation_id", "channel", "created_at" FROM "temporary_share"`);
        await queryRunner.query(`DROP TABLE "temporary_share"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_share_recommendation_channel" ON "share" ("recommendation_id", "channel") `);
        await queryRunner.query(`DROP INDEX "ix_recommendation_location_approved"`);
        await queryRunner.query(`DROP INDEX "ix_recommendation_campaign"`);
        await queryRunner.query(`DROP INDEX "ix_recommendation_customer"`);
        await queryRunner.query(`DROP INDEX "uq_recommendation_invitation"`);
        await queryRunner.query(`ALTER TABLE "recommendation" RENAME TO "temporary_recommendation"`);
        await queryRunner.query(`CREATE TABLE "recommendation" ("id" varchar PRIMARY KEY NOT NULL, "invitation_id" varchar NOT NULL, "customer_id" varchar NOT NULL, "campaign_id" varchar NOT NULL, "location_id" varchar NOT NULL, "author_name" varchar(80), "text" text, "text_hash" varchar(64) NOT NULL, "channels" text NOT NULL, "reward_accepted" boolean NOT NULL DEFAULT (0), "approved_at" datetime NOT NULL, "withdrawn_at" datetime, "hidden_at" datetime, "hidden_reason" varchar(300), "erased_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_recommendation_erased" CHECK ("erased_at" IS NULL OR ("text" IS NULL AND "author_name" IS NULL)))`);
        await queryRunner.query(`INSERT INTO "recommendation"("id", "invitation_id", "customer_id", "campaign_id", "location_id", "author_name", "text", "text_hash", "channels", "reward_accepted", "approved_at", "withdrawn_at", "hidden_at", "hidden_reason", "erased_at", "created_at") SELECT "id", "invitation_id", "customer_id", "campaign_id", "location_id", "author_name", "text", "text_hash", "channels", "reward_accepted", "approved_at", "withdrawn_at", "hidden_at", "hidden_reason", "erased_at", "created_at" FROM "temporary_recommendation"`);
        await queryRunner.query(`DROP TABLE "temporary_recommendation"`);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_location_approved" ON "recommendation" ("location_id", "approved_at") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_campaign" ON "recommendation" ("campaign_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_customer" ON "recommendation" ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_recommendation_invitation" ON "recommendation" ("invitation_id") `);
        await queryRunner.query(`DROP TABLE "recommendation_approval_request"`);
        await queryRunner.query(`DROP INDEX "uq_share_recommendation_channel"`);
        await queryRunner.query(`DROP TABLE "share"`);
        await queryRunner.query(`DROP INDEX "ix_recommendation_location_approved"`);
        await queryRunner.query(`DROP INDEX "ix_recommendation_campaign"`);
        await queryRunner.query(`DROP INDEX "ix_recommendation_customer"`);
        await queryRunner.query(`DROP INDEX "uq_recommendation_invitation"`);
        await queryRunner.query(`DROP TABLE "recommendation"`);
    }

}
