import { MigrationInterface, QueryRunner } from "typeorm";

export class XSharing1795557503919 implements MigrationInterface {
    name = 'XSharing1795557503919'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "x_connection" ("id" varchar PRIMARY KEY NOT NULL, "customer_id" varchar NOT NULL, "x_user_id" varchar(32) NOT NULL, "x_username" varchar(50) NOT NULL, "access_token_enc" text NOT NULL, "refresh_token_enc" text, "expires_at" datetime NOT NULL, "scopes" varchar(200) NOT NULL, "follower_count_at_connect" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "revoked_at" datetime)`);
        await queryRunner.query(`CREATE INDEX "ix_x_connection_customer" ON "x_connection" ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_connection_active_customer" ON "x_connection" ("customer_id") WHERE "revoked_at" IS NULL`);
        await queryRunner.query(`CREATE TABLE "x_oauth_state" ("id" varchar PRIMARY KEY NOT NULL, "state_hash" varchar(64) NOT NULL, "code_verifier_enc" text NOT NULL, "customer_id" varchar NOT NULL, "return_to" varchar(500) NOT NULL, "share_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_oauth_state_hash" ON "x_oauth_state" ("state_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_customer" ON "x_oauth_state" ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_expires_at" ON "x_oauth_state" ("expires_at") `);
        await queryRunner.query(`CREATE TABLE "x_post" ("id" varchar PRIMARY KEY NOT NULL, "share_id" varchar NOT NULL, "connection_id" varchar NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('queued'), "text" text, "text_hash" varchar(64) NOT NULL, "tracked_url" varchar(500) NOT NULL, "x_post_id" varchar(32), "follower_count" integer, "posted_at" datetime, "deleted_at" datetime, "last_error" varchar(200), "attempts" integer NOT NULL DEFAULT (0), "lease_until" datetime, "budget_month" varchar(7), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_x_post_status" CHECK ("status" IN ('queued', 'posted', 'failed', 'deleted')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_post_share" ON "x_post" ("share_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_connection" ON "x_post" ("connection_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_status_posted_at" ON "x_post" ("status", "posted_at") `);
        await queryRunner.query(`CREATE TABLE "x_post_budget" ("month" varchar(7) PRIMARY KEY NOT NULL, "used" integer NOT NULL DEFAULT (0), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`DROP INDEX "ix_x_connection_customer"`);
        await queryRunner.query(`DROP INDEX "uq_x_connection_active_customer"`);
        await queryRunner.query(`CREATE TABLE "temporary_x_connection" ("id" varchar PRIMARY KEY NOT NULL, "customer_id" varchar NOT NULL, "x_user_id" varchar(32) NOT NULL, "x_username" varchar(50) NOT NULL, "access_token_enc" text NOT NULL, "refresh_token_enc" text, "expires_at" datetime NOT NULL, "scopes" varchar(200) NOT NULL, "follower_count_at_connect" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "revoked_at" datetime, CONSTRAINT "fk_x_connection_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_x_connection"("id", "customer_id", "x_user_id", "x_username", "access_token_enc", "refresh_token_enc", "expires_at", "scopes", "follower_count_at_connect", "created_at", "updated_at", "revoked_at") SELECT "id", "customer_id", "x_user_id", "x_username", "access_token_enc", "refresh_token_enc", "expires_at", "scopes", "follower_count_at_connect", "created_at", "updated_at", "revoked_at" FROM "x_connection"`);
        await queryRunner.query(`DROP TABLE "x_connection"`);
        await queryRunner.query(`ALTER TABLE "temporary_x_connection" RENAME TO "x_connection"`);
        await queryRunner.query(`CREATE INDEX "ix_x_connection_customer" ON "x_connection" ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_connection_active_customer" ON "x_connection" ("customer_id") WHERE "revoked_at" IS NULL`);
        await queryRunner.query(`DROP INDEX "uq_x_oauth_state_hash"`);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_customer"`);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_expires_at"`);
        await queryRunner.query(`CREATE TABLE "temporary_x_oauth_state" ("id" varchar PRIMARY KEY NOT NULL, "state_hash" varchar(64) NOT NULL, "code_verifier_enc" text NOT NULL, "customer_id" varchar NOT NULL, "return_to" varchar(500) NOT NULL, "share_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_x_oauth_state_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_x_oauth_state"("id", "state_hash", "code_verifier_enc", "customer_id", "return_to", "share_id", "expires_at", "used_at", "created_at") SELECT "id", "state_hash", "code_verifier_enc", "customer_id", "return_to", "share_id", "expires_at", "used_at", "created_at" FROM "x_oauth_state"`);
        await queryRunner.query(`DROP TABLE "x_oauth_state"`);
        await queryRunner.query(`ALTER TABLE "temporary_x_oauth_state" RENAME TO "x_oauth_state"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_oauth_state_hash" ON "x_oauth_state" ("state_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_customer" ON "x_oauth_state" ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_expires_at" ON "x_oauth_state" ("expires_at") `);
        await queryRunner.query(`DROP INDEX "uq_x_post_share"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_connection"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_status_posted_at"`);
        await queryRunner.query(`CREATE TABLE "temporary_x_post" ("id" varchar PRIMARY KEY NOT NULL, "share_id" varchar NOT NULL, "connection_id" varchar NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('queued'), "text" text, "text_hash" varchar(64) NOT NULL, "tracked_url" varchar(500) NOT NULL, "x_post_id" varchar(32), "follower_count" integer, "posted_at" datetime, "deleted_at" datetime, "last_error" varchar(200), "attempts" integer NOT NULL DEFAULT (0), "lease_until" datetime, "budget_month" varchar(7), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_x_post_status" CHECK ("status" IN ('queued', 'posted', 'failed', 'deleted')), CONSTRAINT "fk_x_post_connection" FOREIGN KEY ("connection_id") REFERENCES "x_connection" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_x_post"("id", "share_id", "connection_id", "status", "text", "text_hash", "tracked_url", "x_post_id", "follower_count", "posted_at", "deleted_at", "last_error", "attempts", "lease_until", "budget_month", "created_at", "updated_at") SELECT "id", "share_id", "connection_id", "status", "text", "text_hash", "tracked_url", "x_post_id", "follower_count", "posted_at", "deleted_at", "last_error", "attempts", "lease_until", "budget_month", "created_at", "updated_at" FROM "x_post"`);
        await queryRunner.query(`DROP TABLE "x_post"`);
        await queryRunner.query(`ALTER TABLE "temporary_x_post" RENAME TO "x_post"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_post_share" ON "x_post" ("share_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_connection" ON "x_post" ("connection_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_status_posted_at" ON "x_post" ("status", "posted_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_x_post_status_posted_at"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_connection"`);
        await queryRunner.query(`DROP INDEX "uq_x_post_share"`);
        await queryRunner.query(`ALTER TABLE "x_post" RENAME TO "temporary_x_post"`);
        await queryRunner.query(`CREATE TABLE "x_post" ("id" varchar PRIMARY KEY NOT NULL, "share_id" varchar NOT NULL, "connection_id" varchar NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('queued'), "text" text, "text_hash" varchar(64) NOT NULL, "tracked_url" varchar(500) NOT NULL, "x_post_id" varchar(32), "follower_count" integer, "posted_at" datetime, "deleted_at" datetime, "last_error" varchar(200), "attempts" integer NOT NULL DEFAULT (0), "lease_until" datetime, "budget_month" varchar(7), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_x_post_status" CHECK ("status" IN ('queued', 'posted', 'failed', 'deleted')))`);
        await queryRunner.query(`INSERT INTO "x_post"("id", "share_id", "connection_id", "status", "text", "text_hash", "tracked_url", "x_post_id", "follower_count", "posted_at", "deleted_at", "last_error", "attempts", "lease_until", "budget_month", "created_at", "updated_at") SELECT "id", "share_id", "connection_id", "status", "text", "text_hash", "tracked_url", "x_post_id", "follower_count", "posted_at", "deleted_at", "last_error", "attempts", "lease_until", "budget_month", "created_at", "updated_at" FROM "temporary_x_post"`);
        await queryRunner.query(`DROP TABLE "temporary_x_post"`);
        await queryRunner.query(`CREATE INDEX "ix_x_post_status_posted_at" ON "x_post" ("status", "posted_at") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_connection" ON "x_post" ("connection_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_post_share" ON "x_post" ("share_id") `);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_expires_at"`);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_customer"`);
        await queryRunner.query(`DROP INDEX "uq_x_oauth_state_hash"`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" RENAME TO "temporary_x_oauth_state"`);
        await queryRunner.query(`CREATE TABLE "x_oauth_state" ("id" varchar PRIMARY KEY NOT NULL, "state_hash" varchar(64) NOT NULL, "code_verifier_enc" text NOT NULL, "customer_id" varchar NOT NULL, "return_to" varchar(500) NOT NULL, "share_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "x_oauth_state"("id", "state_hash", "code_verifier_enc", "customer_id", "return_to", "share_id", "expires_at", "used_at", "created_at") SELECT "id", "state_hash", "code_verifier_enc", "customer_id", "return_to", "share_id", "expires_at", "used_at", "created_at" FROM "temporary_x_oauth_state"`);
        await queryRunner.query(`DROP TABLE "temporary_x_oauth_state"`);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_expires_at" ON "x_oauth_state" ("expires_at") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_customer" ON "x_oauth_state" ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_oauth_state_hash" ON "x_oauth_state" ("state_hash") `);
        await queryRunner.query(`DROP INDEX "uq_x_connection_active_customer"`);
        await queryRunner.query(`DROP INDEX "ix_x_connection_customer"`);
        await queryRunner.query(`ALTER TABLE "x_connection" RENAME TO "temporary_x_connection"`);
        await queryRunner.query(`CREATE TABLE "x_connection" ("id" varchar PRIMARY KEY NOT NULL, "customer_id" varchar NOT NULL, "x_user_id" varchar(32) NOT NULL, "x_username" varchar(50) NOT NULL, "access_token_enc" text NOT NULL, "refresh_token_enc" text, "expires_at" datetime NOT NULL, "scopes" varchar(200) NOT NULL, "follower_count_at_connect" integer, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), "revoked_at" datetime)`);
        await queryRunner.query(`INSERT INTO "x_connection"("id", "customer_id", "x_user_id", "x_username", "access_token_enc", "refresh_token_enc", "expires_at", "scopes", "follower_count_at_connect", "created_at", "updated_at", "revoked_at") SELECT "id", "customer_id", "x_user_id", "x_username", "access_token_enc", "refresh_token_enc", "expires_at", "scopes", "follower_count_at_connect", "created_at", "updated_at", "revoked_at" FROM "temporary_x_connection"`);
        await queryRunner.query(`DROP TABLE "temporary_x_connection"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_connection_active_customer" ON "x_connection" ("customer_id") WHERE "revoked_at" IS NULL`);
        await queryRunner.query(`CREATE INDEX "ix_x_connection_customer" ON "x_connection" ("customer_id") `);
        await queryRunner.query(`DROP TABLE "x_post_budget"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_status_posted_at"`);
        await queryRunner.query(`DROP INDEX "ix_x_post_connection"`);
        await queryRunner.query(`DROP INDEX "uq_x_post_share"`);
        await queryRunner.query(`DROP TABLE "x_post"`);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_expires_at"`);
        await queryRunner.query(`DROP INDEX "ix_x_oauth_state_customer"`);
        await queryRunner.query(`DROP INDEX "uq_x_oauth_state_hash"`);
        await queryRunner.query(`DROP TABLE "x_oauth_state"`);
        await queryRunner.query(`DROP INDEX "uq_x_connection_active_customer"`);
        await queryRunner.query(`DROP INDEX "ix_x_connection_customer"`);
        await queryRunner.query(`DROP TABLE "x_connection"`);
    }

}
