import { MigrationInterface, QueryRunner } from "typeorm";

export class Insights1796380000000 implements MigrationInterface {
    name = 'Insights1796380000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "theme" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "key" character varying(40) NOT NULL, "label" character varying(80) NOT NULL, "sector" character varying(16) NOT NULL DEFAULT 'all', "terms" jsonb NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c1934d0b4403bf10c1ab0c18166" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_theme_key" ON "theme"  ("key") `);
        await queryRunner.query(`CREATE TABLE "roster_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "location_id" uuid NOT NULL, "first_name" character varying(60) NOT NULL, "name_key" character varying(60) NOT NULL, "role" character varying(80), "never_match" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bbde805930f21770fc8fc59114f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_roster_entry_name" ON "roster_entry"  ("location_id", "name_key") `);
        await queryRunner.query(`CREATE TABLE "digest_delivery" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "location_id" uuid NOT NULL, "recipient" character varying(254) NOT NULL, "week" character varying(10) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fcd2c831f7b54a7aa064290f163" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_digest_delivery" ON "digest_delivery"  ("location_id", "recipient", "week") `);
        await queryRunner.query(`CREATE TABLE "digest_opt_out" ("email" character varying(254) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fb0dba5ca327a716e303213e993" PRIMARY KEY ("email"))`);
        await queryRunner.query(`CREATE TABLE "location_digest_setting" ("location_id" uuid NOT NULL, "digest_enabled" boolean NOT NULL DEFAULT true, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5ee9b856010fb1503cd5559693c" PRIMARY KEY ("location_id"))`);
        await queryRunner.query(`ALTER TABLE "roster_entry" ADD CONSTRAINT "fk_roster_entry_location" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "digest_delivery" ADD CONSTRAINT "fk_digest_delivery_location" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "location_digest_setting" ADD CONSTRAINT "fk_location_digest_setting_location" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "location_digest_setting" DROP CONSTRAINT "fk_location_digest_setting_location"`);
        await queryRunner.query(`ALTER TABLE "digest_delivery" DROP CONSTRAINT "fk_digest_delivery_location"`);
        await queryRunner.query(`ALTER TABLE "roster_entry" DROP CONSTRAINT "fk_roster_entry_location"`);
        await queryRunner.query(`DROP TABLE "location_digest_setting"`);
        await queryRunner.query(`DROP TABLE "digest_opt_out"`);
        await queryRunner.query(`DROP INDEX "insights_gen"."uq_digest_delivery"`);
        await queryRunner.query(`DROP TABLE "digest_delivery"`);
        await queryRunner.query(`DROP INDEX "insights_gen"."uq_roster_entry_name"`);
        await queryRunner.query(`DROP TABLE "roster_entry"`);
        await queryRunner.query(`DROP INDEX "insights_gen"."uq_theme_key"`);
        await queryRunner.query(`DROP TABLE "theme"`);
    }

}
