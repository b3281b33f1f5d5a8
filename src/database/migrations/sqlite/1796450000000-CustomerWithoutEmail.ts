import { MigrationInterface, QueryRunner } from "typeorm";

/** A customer may have no email: a survey response that came without one counts for NPS and reports, and is never invited. */
export class CustomerWithoutEmail1796450000000 implements MigrationInterface {
    name = 'CustomerWithoutEmail1796450000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_customer_latest"`);
        await queryRunner.query(`DROP INDEX "uq_customer_email"`);
        await queryRunner.query(`CREATE TABLE "temporary_customer" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254), "name" varchar(200), "phone" varchar(50), "marketing_consent" boolean NOT NULL DEFAULT (0), "consent_updated_at" datetime, "consent_response_id" varchar, "latest_response_id" varchar, "latest_score" smallint, "latest_segment" varchar(16), "latest_location_id" varchar, "latest_responded_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_customer_latest_segment" CHECK (("latest_segment" IN ('promoter', 'passive', 'detractor'))))`);
        await queryRunner.query(`INSERT INTO "temporary_customer"("id", "email", "name", "phone", "marketing_consent", "consent_updated_at", "consent_response_id", "latest_response_id", "latest_score", "latest_segment", "latest_location_id", "latest_responded_at", "created_at", "updated_at") SELECT "id", "email", "name", "phone", "marketing_consent", "consent_updated_at", "consent_response_id", "latest_response_id", "latest_score", "latest_segment", "latest_location_id", "latest_responded_at", "created_at", "updated_at" FROM "customer"`);
        await queryRunner.query(`DROP TABLE "customer"`);
        await queryRunner.query(`ALTER TABLE "temporary_customer" RENAME TO "customer"`);
        await queryRunner.query(`CREATE INDEX "ix_customer_latest" ON "customer" ("latest_segment", "latest_location_id", "latest_responded_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_customer_email" ON "customer" ("email") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // The old schema needs an address: customers without one get a placeholder, as erased ones do.
        await queryRunner.query(`UPDATE "customer" SET "email" = 'no-email:' || "id" WHERE "email" IS NULL`);
        await queryRunner.query(`DROP INDEX "uq_customer_email"`);
        await queryRunner.query(`DROP INDEX "ix_customer_latest"`);
        await queryRunner.query(`ALTER TABLE "customer" RENAME TO "temporary_customer"`);
        await queryRunner.query(`CREATE TABLE "customer" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(200), "phone" varchar(50), "marketing_consent" boolean NOT NULL DEFAULT (0), "consent_updated_at" datetime, "consent_response_id" varchar, "latest_response_id" varchar, "latest_score" smallint, "latest_segment" varchar(16), "latest_location_id" varchar, "latest_responded_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_customer_latest_segment" CHECK (("latest_segment" IN ('promoter', 'passive', 'detractor'))))`);
        await queryRunner.query(`INSERT INTO "customer"("id", "email", "name", "phone", "marketing_consent", "consent_updated_at", "consent_response_id", "latest_response_id", "latest_score", "latest_segment", "latest_location_id", "latest_responded_at", "created_at", "updated_at") SELECT "id", "email", "name", "phone", "marketing_consent", "consent_updated_at", "consent_response_id", "latest_response_id", "latest_score", "latest_segment", "latest_location_id", "latest_responded_at", "created_at", "updated_at" FROM "temporary_customer"`);
        await queryRunner.query(`DROP TABLE "temporary_customer"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_customer_email" ON "customer" ("email") `);
        await queryRunner.query(`CREATE INDEX "ix_customer_latest" ON "customer" ("latest_segment", "latest_location_id", "latest_responded_at") `);
    }

}
