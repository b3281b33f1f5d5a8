import { MigrationInterface, QueryRunner } from "typeorm";

export class XSharing1795557485986 implements MigrationInterface {
    name = 'XSharing1795557485986'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "x_connection" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "x_user_id" character varying(32) NOT NULL, "x_username" character varying(50) NOT NULL, "access_token_enc" text NOT NULL, "refresh_token_enc" text, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "scopes" character varying(200) NOT NULL, "follower_count_at_connect" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_51aebe5d546a438107c52d4e7e3" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_x_connection_customer" ON "x_connection"  ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_connection_active_customer" ON "x_connection"  ("customer_id") WHERE "revoked_at" IS NULL`);
        await queryRunner.query(`CREATE TABLE "x_oauth_state" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "state_hash" character varying(64) NOT NULL, "code_verifier_enc" text NOT NULL, "customer_id" uuid NOT NULL, "return_to" character varying(500) NOT NULL, "share_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4e32816e066d5be0a695f9337be" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_oauth_state_hash" ON "x_oauth_state"  ("state_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_customer" ON "x_oauth_state"  ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_expires_at" ON "x_oauth_state"  ("expires_at") `);
        await queryRunner.query(`CREATE TABLE "x_post" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "share_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'queued', "text" text, "text_hash" character varying(64) NOT NULL, "tracked_url" character varying(500) NOT NULL, "x_post_id" character varying(32), "follower_count" integer, "posted_at" TIMESTAMP WITH TIME ZONE, "deleted_at" TIMESTAMP WITH TIME ZONE, "last_error" character varying(200), "attempts" integer NOT NULL DEFAULT '0', "lease_until" TIMESTAMP WITH TIME ZONE, "budget_month" character varying(7), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_x_post_status" CHECK ("status" IN ('queued', 'posted', 'failed', 'deleted')), CONSTRAINT "PK_a48b87d390b48dfef4eff0382d4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_post_share" ON "x_post"  ("share_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_connection" ON "x_post"  ("connection_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_post_status_posted_at" ON "x_post"  ("status", "posted_at") `);
        await queryRunner.query(`CREATE TABLE "x_post_budget" ("month" character varying(7) NOT NULL, "used" integer NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d814ddd6c69bbe66e4369ff1c83" PRIMARY KEY ("month"))`);
        await queryRunner.query(`ALTER TABLE "x_connection" ADD CONSTRAINT "fk_x_connection_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" ADD CONSTRAINT "fk_x_oauth_state_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "x_post" ADD CONSTRAINT "fk_x_post_connection" FOREIGN KEY ("connection_id") REFERENCES "x_connection"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "x_post" DROP CONSTRAINT "fk_x_post_connection"`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" DROP CONSTRAINT "fk_x_oauth_state_customer"`);
        await queryRunner.query(`ALTER TABLE "x_connection" DROP CONSTRAINT "fk_x_connection_customer"`);
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
