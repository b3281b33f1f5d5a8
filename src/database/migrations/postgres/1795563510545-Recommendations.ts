import { MigrationInterface, QueryRunner } from "typeorm";

export class Recommendations1795563510545 implements MigrationInterface {
    name = 'Recommendations1795563510545'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "recommendation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "invitation_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "location_id" uuid NOT NULL, "author_name" character varying(80), "text" text, "text_hash" character varying(64) NOT NULL, "channels" jsonb NOT NULL, "reward_accepted" boolean NOT NULL DEFAULT false, "approved_at" TIMESTAMP WITH TIME ZONE NOT NULL, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "hidden_at" TIMESTAMP WITH TIME ZONE, "hidden_reason" character varying(300), "erased_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_recommendation_erased" CHECK ("erased_at" IS NULL OR ("text" IS NULL AND "author_name" IS NULL)), CONSTRAINT "PK_17cb51984a6627ef2ce7370e23c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_recommendation_invitation" ON "recommendation"  ("invitation_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_customer" ON "recommendation"  ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_campaign" ON "recommendation"  ("campaign_id") `);
        await queryRunner.query(`CREATE INDEX "ix_recommendation_location_approved" ON "recommendation"  ("location_id", "approved_at") `);
        await queryRunner.query(`CREATE TABLE "share" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "recommendation_id" uuid NOT NULL, "channel" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_share_channel" CHECK ("channel" IN ('x', 'facebook', 'linkedin', 'whatsapp', 'email', 'copy', 'x_post')), CONSTRAINT "PK_67a2b28d2cff31834bc2aa1ed7c" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_share_recommendation_channel" ON "share"  ("recommendation_id", "channel") `);
        await queryRunner.query(`CREATE TABLE "recommendation_approval_request" ("recommendation_id" uuid NOT NULL, "ip" character varying(45), "user_agent" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a08616b738d2c032ac6038c6252" PRIMARY KEY ("recommendation_id"))`);
        await queryRunner.query(`ALTER TABLE "recommendation" ADD CONSTRAINT "fk_recommendation_invitation" FOREIGN KEY ("invitation_id") REFERENCES "invitation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "recommendation" ADD CONSTRAINT "fk_recommendation_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "recommendation" ADD CONSTRAINT "fk_recommendation_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "recommendation" ADD CONSTRAINT "fk_recommendation_location" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "share" ADD CONSTRAINT "fk_share_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "tracked_link" ADD CONSTRAINT "fk_tracked_link_share" FOREIGN KEY ("share_id") REFERENCES "share"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" ADD CONSTRAINT "fk_x_oauth_state_share" FOREIGN KEY ("share_id") REFERENCES "share"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "x_post" ADD CONSTRAINT "fk_x_post_share" FOREIGN KEY ("share_id") REFERENCES "share"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "recommendation_approval_request" ADD CONSTRAINT "fk_approval_request_recommendation" FOREIGN KEY ("recommendation_id") REFERENCES "recommendation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        // An approved text is consent evidence: the database itself refuses to change it (erasure may only clear it).
        await queryRunner.query(`CREATE FUNCTION recommendation_approved_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
            IF NEW.text_hash IS DISTINCT FROM OLD.text_hash OR NEW.approved_at IS DISTINCT FROM OLD.approved_at
               OR NEW.channels IS DISTINCT FROM OLD.channels OR NEW.invitation_id IS DISTINCT FROM OLD.invitation_id
               OR NEW.customer_id IS DISTINCT FROM OLD.customer_id OR NEW.reward_accepted IS DISTINCT FROM OLD.reward_accepted
               OR (NEW.text IS NOT NULL AND NEW.text IS DISTINCT FROM OLD.text) THEN
              RAISE EXCEPTION 'an approved recommendation is immutable';
            END IF;
            RETURN NEW;
          END $$`);
        await queryRunner.query(`CREATE TRIGGER recommendation_approved_immutable BEFORE UPDATE ON "recommendation" FOR EACH ROW EXECUTE FUNCTION recommendation_approved_immutable()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER recommendation_approved_immutable ON "recommendation"`);
        await queryRunner.query(`DROP FUNCTION recommendation_approved_immutable()`);
        await queryRunner.query(`ALTER TABLE "recommendation_approval_request" DROP CONSTRAINT "fk_approval_request_recommendation"`);
        await queryRunner.query(`ALTER TABLE "x_post" DROP CONSTRAINT "fk_x_post_share"`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" DROP CONSTRAINT "fk_x_oauth_state_share"`);
        await queryRunner.query(`ALTER TABLE "tracked_link" DROP CONSTRAINT "fk_tracked_link_share"`);
        await queryRunner.query(`ALTER TABLE "share" DROP CONSTRAINT "fk_share_recommendation"`);
        await queryRunner.query(`ALTER TABLE "recommendation" DROP CONSTRAINT "fk_recommendation_location"`);
        await queryRunner.query(`ALTER TABLE "recommendation" DROP CONSTRAINT "fk_recommendation_campaign"`);
        await queryRunner.query(`ALTER TABLE "recommendation" DROP CONSTRAINT "fk_recommendation_customer"`);
        await queryRunner.query(`ALTER TABLE "recommendation" DROP CONSTRAINT "fk_recommendation_invitation"`);
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
