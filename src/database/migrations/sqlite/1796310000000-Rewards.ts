import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Rewards (principle 4): a campaign's offer and its codes. The budget and once-per-customer rules are
 * constraints here, not only code: reserved <= budget, one code per customer per offer and per
 * recommendation, codes unique across offers.
 */
export class Rewards1796310000000 implements MigrationInterface {
    name = 'Rewards1796310000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "reward_offer" ("id" varchar PRIMARY KEY NOT NULL, "campaign_id" varchar NOT NULL, "description" varchar(200) NOT NULL, "terms" varchar(1000) NOT NULL DEFAULT (''), "expires_at" datetime, "budget" integer NOT NULL, "reserved" integer NOT NULL DEFAULT (0), "code_source" varchar(16) NOT NULL, "code_prefix" varchar(12), "disclosure" varchar(300) NOT NULL, "low_alerted_at" datetime, "out_alerted_at" datetime, "created_by" varchar(64), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_reward_offer_code_source" CHECK ("code_source" IN ('generated', 'pool')), CONSTRAINT "ck_reward_offer_budget" CHECK ("budget" >= 1 AND "reserved" >= 0 AND "reserved" <= "budget"), CONSTRAINT "fk_reward_offer_campaign" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_offer_campaign" ON "reward_offer" ("campaign_id") `);
        await queryRunner.query(`CREATE TABLE "reward_code" ("id" varchar PRIMARY KEY NOT NULL, "offer_id" varchar NOT NULL, "code" varchar(64) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('available'), "customer_id" varchar, "recommendation_id" varchar, "location_id" varchar, "issued_at" datetime, "emailed_at" datetime, "redeemed_at" datetime, "redeemed_by" varchar(64), "redeem_key" varchar(200), "voided_at" datetime, "void_reason" varchar(300), "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_reward_code_owner" CHECK (("status" = 'available') = ("customer_id" IS NULL)), CONSTRAINT "ck_reward_code_status" CHECK ("status" IN ('available', 'issued', 'redeemed', 'voided')), CONSTRAINT "fk_reward_code_offer" FOREIGN KEY ("offer_id") REFERENCES "reward_offer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_reward_code_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_code_code" ON "reward_code" ("code") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_code_recommendation" ON "reward_code" ("recommendation_id") `);
        await queryRunner.query(`CREATE INDEX "ix_reward_code_offer_status" ON "reward_code" ("offer_id", "status") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_reward_code_customer" ON "reward_code" ("offer_id", "customer_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "uq_reward_code_customer"`);
        await queryRunner.query(`DROP INDEX "ix_reward_code_offer_status"`);
        await queryRunner.query(`DROP INDEX "uq_reward_code_recommendation"`);
        await queryRunner.query(`DROP INDEX "uq_reward_code_code"`);
        await queryRunner.query(`DROP TABLE "reward_code"`);
        await queryRunner.query(`DROP INDEX "uq_reward_offer_campaign"`);
        await queryRunner.query(`DROP TABLE "reward_offer"`);
    }

}
