import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Rewards (principle 4): a campaign's offer and its codes. The budget and once-per-customer rules are
 * constraints here, not only code: reserved <= budget, one code per customer per offer and per
 * recommendation, codes unique across offers.
 */
export class Rewards1796310000000 implements MigrationInterface {
    name = 'Rewards1796310000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "reward_offer" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "campaign_id" uuid NOT NULL, "description" character varying(200) NOT NULL, "terms" character varying(1000) NOT NULL DEFAULT '', "expires_at" TIMESTAMP WITH TIME ZONE, "budget" integer NOT NULL, "reserved" integer NOT NULL DEFAULT '0', "code_source" character varying(16) NOT NULL, "code_prefix" character varying(12), "disclosure" character varying(300) NOT NULL, "low_alerted_at" TIMESTAMP WITH TIME ZONE, "out_alerted_at" TIMESTAMP WITH TIME ZONE, "created_by" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_reward_offer_code_source" CHECK ("code_source" IN ('generated', 'pool')), CONSTRAINT "ck_reward_offer_budget" CHECK ("budget" >= 1 AND "reserved" >= 0 AND "reserved" <= "budget"), CONSTRAINT "PK_b1204d8bf2a554d5d7c64390e15" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_offer_campaign" ON "reward_offer" ("campaign_id") `);
        await queryRunner.query(`CREATE TABLE "reward_code" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "offer_id" uuid NOT NULL, "code" character varying(64) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'available', "customer_id" uuid, "recommendation_id" uuid, "location_id" uuid, "issued_at" TIMESTAMP WITH TIME ZONE, "emailed_at" TIMESTAMP WITH TIME ZONE, "redeemed_at" TIMESTAMP WITH TIME ZONE, "redeemed_by" character varying(64), "redeem_key" character varying(200), "voided_at" TIMESTAMP WITH TIME ZONE, "void_reason" character varying(300), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_reward_code_owner" CHECK (("status" = 'available') = ("customer_id" IS NULL)), CONSTRAINT "ck_reward_code_status" CHECK ("status" IN ('available', 'issued', 'redeemed', 'voided')), CONSTRAINT "PK_3828e620d5b890b91264e45a501" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_code_code" ON "reward_code" ("code") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_code_recommendation" ON "reward_code" ("recommendation_id") `);
        await queryRunner.query(`CREATE INDEX "ix_reward_code_offer_status" ON "reward_code" ("offer_id", "status") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_code_customer" ON "reward_code" ("offer_id", "customer_id") `);
        await queryRunner.query(`ALTER TABLE "reward_offer" ADD CONSTRAINT "fk_reward_offer_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reward_code" ADD CONSTRAINT "fk_reward_code_offer" FOREIGN KEY ("offer_id") REFERENCES "reward_offer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reward_code" ADD CONSTRAINT "fk_reward_code_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "reward_code" DROP CONSTRAINT "fk_reward_code_customer"`);
        await queryRunner.query(`ALTER TABLE "reward_code" DROP CONSTRAINT "fk_reward_code_offer"`);
        await queryRunner.query(`ALTER TABLE "reward_offer" DROP CONSTRAINT "fk_reward_offer_campaign"`);
        await queryRunner.query(`DROP INDEX "uq_reward_code_customer"`);
        await queryRunner.query(`DROP INDEX "ix_reward_code_offer_status"`);
        await queryRunner.query(`DROP INDEX "uq_reward_code_recommendation"`);
        await queryRunner.query(`DROP INDEX "uq_reward_code_code"`);
        await queryRunner.query(`DROP TABLE "reward_code"`);
        await queryRunner.query(`DROP INDEX "uq_reward_offer_campaign"`);
        await queryRunner.query(`DROP TABLE "reward_offer"`);
    }

}
