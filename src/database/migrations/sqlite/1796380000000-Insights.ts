import { MigrationInterface, QueryRunner } from "typeorm";

export class Insights1796380000000 implements MigrationInterface {
    name = 'Insights1796380000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "theme" ("id" varchar PRIMARY KEY NOT NULL, "key" varchar(40) NOT NULL, "label" varchar(80) NOT NULL, "sector" varchar(16) NOT NULL DEFAULT ('all'), "terms" text NOT NULL, "enabled" boolean NOT NULL DEFAULT (1), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_theme_key" ON "theme" ("key") `);
        await queryRunner.query(`CREATE TABLE "roster_entry" ("id" varchar PRIMARY KEY NOT NULL, "location_id" varchar NOT NULL, "first_name" varchar(60) NOT NULL, "name_key" varchar(60) NOT NULL, "role" varchar(80), "never_match" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_roster_entry_name" ON "roster_entry" ("location_id", "name_key") `);
        await queryRunner.query(`CREATE TABLE "digest_delivery" ("id" varchar PRIMARY KEY NOT NULL, "location_id" varchar NOT NULL, "recipient" varchar(254) NOT NULL, "week" varchar(10) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_digest_delivery" ON "digest_delivery" ("location_id", "recipient", "week") `);
        await queryRunner.query(`CREATE TABLE "digest_opt_out" ("email" varchar(254) PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE TABLE "location_digest_setting" ("location_id" varchar PRIMARY KEY NOT NULL, "digest_enabled" boolean NOT NULL DEFAULT (1), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`DROP INDEX "uq_roster_entry_name"`);
        await queryRunner.query(`CREATE TABLE "temporary_roster_entry" ("id" varchar PRIMARY KEY NOT NULL, "location_id" varchar NOT NULL, "first_name" varchar(60) NOT NULL, "name_key" varchar(60) NOT NULL, "role" varchar(80), "never_match" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_roster_entry_location" FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_roster_entry"("id", "location_id", "first_name", "name_key", "role", "never_match", "created_at", "updated_at") SELECT "id", "location_id", "first_name", "name_key", "role", "never_match", "created_at", "updated_at" FROM "roster_entry"`);
        await queryRunner.query(`DROP TABLE "roster_entry"`);
        await queryRunner.query(`ALTER TABLE "temporary_roster_entry" RENAME TO "roster_entry"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_roster_entry_name" ON "roster_entry" ("location_id", "name_key") `);
        await queryRunner.query(`DROP INDEX "uq_digest_delivery"`);
        await queryRunner.query(`CREATE TABLE "temporary_digest_delivery" ("id" varchar PRIMARY KEY NOT NULL, "location_id" varchar NOT NULL, "recipient" varchar(254) NOT NULL, "week" varchar(10) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_digest_delivery_location" FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_digest_delivery"("id", "location_id", "recipient", "week", "created_at") SELECT "id", "location_id", "recipient", "week", "created_at" FROM "digest_delivery"`);
        await queryRunner.query(`DROP TABLE "digest_delivery"`);
        await queryRunner.query(`ALTER TABLE "temporary_digest_delivery" RENAME TO "digest_delivery"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_digest_delivery" ON "digest_delivery" ("location_id", "recipient", "week") `);
        await queryRunner.query(`CREATE TABLE "temporary_location_digest_setting" ("location_id" varchar PRIMARY KEY NOT NULL, "digest_enabled" boolean NOT NULL DEFAULT (1), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_location_digest_setting_location" FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_location_digest_setting"("location_id", "digest_enabled", "updated_at") SELECT "location_id", "digest_enabled", "updated_at" FROM "location_digest_setting"`);
        await queryRunner.query(`DROP TABLE "location_digest_setting"`);
        await queryRunner.query(`ALTER TABLE "temporary_location_digest_setting" RENAME TO "location_digest_setting"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "location_digest_setting" RENAME TO "temporary_location_digest_setting"`);
        await queryRunner.query(`CREATE TABLE "location_digest_setting" ("location_id" varchar PRIMARY KEY NOT NULL, "digest_enabled" boolean NOT NULL DEFAULT (1), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "location_digest_setting"("location_id", "digest_enabled", "updated_at") SELECT "location_id", "digest_enabled", "updated_at" FROM "temporary_location_digest_setting"`);
        await queryRunner.query(`DROP TABLE "temporary_location_digest_setting"`);
        await queryRunner.query(`DROP INDEX "uq_digest_delivery"`);
        await queryRunner.query(`ALTER TABLE "digest_delivery" RENAME TO "temporary_digest_delivery"`);
        await queryRunner.query(`CREATE TABLE "digest_delivery" ("id" varchar PRIMARY KEY NOT NULL, "location_id" varchar NOT NULL, "recipient" varchar(254) NOT NULL, "week" varchar(10) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "digest_delivery"("id", "location_id", "recipient", "week", "created_at") SELECT "id", "location_id", "recipient", "week", "created_at" FROM "temporary_digest_delivery"`);
        await queryRunner.query(`DROP TABLE "temporary_digest_delivery"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_digest_delivery" ON "digest_delivery" ("location_id", "recipient", "week") `);
        await queryRunner.query(`DROP INDEX "uq_roster_entry_name"`);
        await queryRunner.query(`ALTER TABLE "roster_entry" RENAME TO "temporary_roster_entry"`);
        await queryRunner.query(`CREATE TABLE "roster_entry" ("id" varchar PRIMARY KEY NOT NULL, "location_id" varchar NOT NULL, "first_name" varchar(60) NOT NULL, "name_key" varchar(60) NOT NULL, "role" varchar(80), "never_match" boolean NOT NULL DEFAULT (0), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "roster_entry"("id", "location_id", "first_name", "name_key", "role", "never_match", "created_at", "updated_at") SELECT "id", "location_id", "first_name", "name_key", "role", "never_match", "created_at", "updated_at" FROM "temporary_roster_entry"`);
        await queryRunner.query(`DROP TABLE "temporary_roster_entry"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_roster_entry_name" ON "roster_entry" ("location_id", "name_key") `);
        await queryRunner.query(`DROP TABLE "location_digest_setting"`);
        await queryRunner.query(`DROP TABLE "digest_opt_out"`);
        await queryRunner.query(`DROP INDEX "uq_digest_delivery"`);
        await queryRunner.query(`DROP TABLE "digest_delivery"`);
        await queryRunner.query(`DROP INDEX "uq_roster_entry_name"`);
        await queryRunner.query(`DROP TABLE "roster_entry"`);
        await queryRunner.query(`DROP INDEX "uq_theme_key"`);
        await queryRunner.query(`DROP TABLE "theme"`);
    }

}
