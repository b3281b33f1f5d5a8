import { MigrationInterface, QueryRunner } from "typeorm";

export class Campaigns1795557225985 implements MigrationInterface {
    name = 'Campaigns1795557225985'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "campaign" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'draft', "location_ids" jsonb, "min_score" smallint NOT NULL DEFAULT '9', "look_back_days" integer NOT NULL, "channels" jsonb NOT NULL, "prompt" text NOT NULL, "prompt_overrides" jsonb, "reward_offer" jsonb, "starts_at" TIMESTAMP WITH TIME ZONE, "ends_at" TIMESTAMP WITH TIME ZONE, "sending_hour_start" smallint NOT NULL DEFAULT '9', "sending_hour_end" smallint NOT NULL DEFAULT '19', "reminder_after_days" smallint, "created_by" character varying(64), "launched_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_campaign_sending_hours" CHECK ("sending_hour_start" BETWEEN 0 AND 23 AND "sending_hour_end" BETWEEN 1 AND 24), CONSTRAINT "ck_campaign_min_score" CHECK ("min_score" IN (9, 10)), CONSTRAINT "ck_campaign_status" CHECK ("status" IN ('draft', 'running', 'paused', 'ended')), CONSTRAINT "PK_0ce34d26e7f2eb316a3a592cdc4" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_campaign_status" ON "campaign"  ("status") `);
        await queryRunner.query(`CREATE TABLE "invitation" ("id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "location_id" uuid NOT NULL, "status" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "opened_at" TIMESTAMP WITH TIME ZONE, "reminder_status" character varying(16), "reminded_at" TIMESTAMP WITH TIME ZONE, "lease_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "uq_invitation_campaign_customer" UNIQUE ("campaign_id", "customer_id"), CONSTRAINT "ck_invitation_reminder_status" CHECK ("reminder_status" IN ('pending', 'sent', 'cancelled')), CONSTRAINT "ck_invitation_status" CHECK ("status" IN ('pending', 'sent', 'cancelled', 'failed')), CONSTRAINT "PK_beb994737756c0f18a1c1f8669c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_invitation_campaign_status" ON "invitation"  ("campaign_id", "status") `);
        await queryRunner.query(`CREATE INDEX "ix_invitation_customer" ON "invitation"  ("customer_id") `);
        await queryRunner.query(`CREATE TABLE "invitation_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "invitation_id" uuid NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5dfbb205d9dd539aef9bd0959a5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_invitation_token_invitation" ON "invitation_token"  ("invitation_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_invitation_token_hash" ON "invitation_token"  ("token_hash") `);
        await queryRunner.query(`CREATE TABLE "marketing_message" ("id" uuid NOT NULL, "customer_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "invitation_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "counted_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "uq_marketing_message_invitation_kind" UNIQUE ("invitation_id", "kind"), CONSTRAINT "ck_marketing_message_kind" CHECK ("kind" IN ('invitation', 'reminder')), CONSTRAINT "PK_1c50595c7361f729712920f9e89" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_marketing_message_customer_time" ON "marketing_message"  ("customer_id", "counted_at") `);
        await queryRunner.query(`CREATE TABLE "preference_token" ("customer_id" uuid NOT NULL, "token_hash" character varying(64) NOT NULL, "token_sealed" character varying(128) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9fd628a64ab547c8b7ab30382aa" PRIMARY KEY ("customer_id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_preference_token_hash" ON "preference_token"  ("token_hash") `);
        await queryRunner.query(`CREATE TABLE "suppression" ("email_hash" character varying(64) NOT NULL, "customer_id" uuid, "source" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_suppression_source" CHECK ("source" IN ('one_click', 'preferences')), CONSTRAINT "PK_e555908e9c1dbb33f139b0874ee" PRIMARY KEY ("email_hash"))`);
        await queryRunner.query(`CREATE INDEX "ix_suppression_customer" ON "suppression"  ("customer_id") `);
        await queryRunner.query(`CREATE TABLE "customer_preference" ("customer_id" uuid NOT NULL, "rewards_opt_in" boolean NOT NULL DEFAULT false, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_38893a4ba158c2d44ecd3802d11" PRIMARY KEY ("customer_id"))`);
        await queryRunner.query(`CREATE TABLE "link_request" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "bucket" character varying(80) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8a76213fd093e64da684cfb9a0c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_link_request_bucket_time" ON "link_request"  ("bucket", "created_at") `);
        await queryRunner.query(`ALTER TABLE "invitation" ADD CONSTRAINT "fk_invitation_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "invitation" ADD CONSTRAINT "fk_invitation_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "invitation" ADD CONSTRAINT "fk_invitation_location" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "invitation_token" ADD CONSTRAINT "fk_invitation_token_invitation" FOREIGN KEY ("invitation_id") REFERENCES "invitation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "marketing_message" ADD CONSTRAINT "fk_marketing_message_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "preference_token" ADD CONSTRAINT "fk_preference_token_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "suppression" ADD CONSTRAINT "fk_suppression_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "customer_preference" ADD CONSTRAINT "fk_customer_preference_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customer_preference" DROP CONSTRAINT "fk_customer_preference_customer"`);
        await queryRunner.query(`ALTER TABLE "suppression" DROP CONSTRAINT "fk_suppression_customer"`);
        await queryRunner.query(`ALTER TABLE "preference_token" DROP CONSTRAINT "fk_preference_token_customer"`);
        await queryRunner.query(`ALTER TABLE "marketing_message" DROP CONSTRAINT "fk_marketing_message_customer"`);
        await queryRunner.query(`ALTER TABLE "invitation_token" DROP CONSTRAINT "fk_invitation_token_invitation"`);
        await queryRunner.query(`ALTER TABLE "invitation" DROP CONSTRAINT "fk_invitation_location"`);
        await queryRunner.query(`ALTER TABLE "invitation" DROP CONSTRAINT "fk_invitation_customer"`);
        await queryRunner.query(`ALTER TABLE "invitation" DROP CONSTRAINT "fk_invitation_campaign"`);
        await queryRunner.query(`DROP INDEX "ix_link_request_bucket_time"`);
        await queryRunner.query(`DROP TABLE "link_request"`);
        await queryRunner.query(`DROP TABLE "customer_preference"`);
        await queryRunner.query(`DROP INDEX "ix_suppression_customer"`);
        await queryRunner.query(`DROP TABLE "suppression"`);
        await queryRunner.query(`DROP INDEX "uq_preference_token_hash"`);
        await queryRunner.query(`DROP TABLE "preference_token"`);
        await queryRunner.query(`DROP INDEX "ix_marketing_message_customer_time"`);
        await queryRunner.query(`DROP TABLE "marketing_message"`);
        await queryRunner.query(`DROP INDEX "uq_invitation_token_hash"`);
        await queryRunner.query(`DROP INDEX "ix_invitation_token_invitation"`);
        await queryRunner.query(`DROP TABLE "invitation_token"`);
        await queryRunner.query(`DROP INDEX "ix_invitation_customer"`);
        await queryRunner.query(`DROP INDEX "ix_invitation_campaign_status"`);
        await queryRunner.query(`DROP TABLE "invitation"`);
        await queryRunner.query(`DROP INDEX "ix_campaign_status"`);
        await queryRunner.query(`DROP TABLE "campaign"`);
    }

}
